namespace ActorNet.Protocol.Bureaus;

/// <summary>What a bureau actor persists.</summary>
public static class BureauEvents
{
    public sealed record Established(BureauCode Bureau, DateTimeOffset At) : IActorNetMessage;

    public sealed record NodeStarted(string NodeId, string Address, string AppVersion, DateTimeOffset At, string StartId) : IActorNetMessage;

    public sealed record SettingsChanged(string? DisplayName, string? ContactEmail, DateTimeOffset At) : IActorNetMessage;
}
