namespace ActorNet.Protocol.Directory;

/// <summary>What the directory persists.</summary>
public static class DirectoryEvents
{
    public sealed record BureauEnrolled(BureauCode Bureau, string? Fingerprint, DateTimeOffset At, Sealing.BureauPublicKeys? Keys = null) : IActorNetMessage;

    /// <summary>A bureau's node came up or went away; <paramref name="At"/> becomes its last-seen time.</summary>
    public sealed record BureauSeen(BureauCode Bureau, bool Online, DateTimeOffset At) : IActorNetMessage;

    /// <summary>An operator approved the bureau (<paramref name="By"/> names the token, or <c>auto-enrol</c>): its keys may be used.</summary>
    public sealed record BureauApproved(BureauCode Bureau, DateTimeOffset At, string By) : IActorNetMessage;

    /// <summary>GS signed one version of an approved bureau's keys.</summary>
    public sealed record KeysEndorsed(KeyEndorsement Endorsement) : IActorNetMessage;
}
