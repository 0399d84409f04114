namespace ActorNet.Protocol;

/// <summary>Binds a message to ActorNet's wire format: every type that crosses the network or is persisted implements it.</summary>
public interface IActorNetMessage;

/// <summary>Routes a message to the actor that owns a bureau.</summary>
public interface IWithBureauCode
{
    BureauCode Bureau { get; }
}
