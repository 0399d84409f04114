namespace ActorNet.Protocol.Directory;

/// <summary>Commands to the Secretariat's directory of bureaus.</summary>
public static class DirectoryCommands
{
    /// <summary>A bureau node asks to be listed; answered with <see cref="Enrolled"/>. Sent until answered.</summary>
    public sealed record Enrol(BureauCode Bureau, string NodeAddress, string? Fingerprint, Sealing.BureauPublicKeys? Keys = null) : IWithBureauCode, IActorNetMessage;

    public sealed record Enrolled(BureauCode Bureau, DateTimeOffset EnrolledAt) : IWithBureauCode, IActorNetMessage;
}
