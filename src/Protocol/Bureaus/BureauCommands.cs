namespace ActorNet.Protocol.Bureaus;

/// <summary>Commands to the actor that owns a bureau's identity and settings.</summary>
public static class BureauCommands
{
    /// <summary>A node of this bureau has started; the bureau actor records it once per <paramref name="StartId"/>, answering with its profile.</summary>
    public sealed record RecordNodeStart(BureauCode Bureau, string NodeId, string Address, string AppVersion, string StartId)
        : IWithBureauCode, IActorNetMessage;

    /// <summary>Changes the bureau's settings; a null field keeps its value. Answered with the new <see cref="BureauQueries.Profile"/>.</summary>
    public sealed record ChangeSettings(BureauCode Bureau, string? DisplayName, string? ContactEmail)
        : IWithBureauCode, IActorNetMessage;
}
