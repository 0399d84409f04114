namespace ActorNet.Protocol.Directory;

/// <summary>Commands to the Secretariat's directory of bureaus.</summary>
public static class DirectoryCommands
{
    /// <summary>
    /// A bureau node asks to be listed with its current keys; answered with <see cref="Enrolled"/> or <see cref="EnrolmentRefused"/>.
    /// Sent until answered. A key version after the first carries <paramref name="RotationProof"/>: the previous version's signature over it.
    /// </summary>
    public sealed record Enrol(BureauCode Bureau, string NodeAddress, string? Fingerprint, Sealing.BureauPublicKeys? Keys = null, byte[]? RotationProof = null)
        : IWithBureauCode, IActorNetMessage;

    /// <param name="KeyVersion">The key version now listed; 0 when the enrolment carried no keys.</param>
    public sealed record Enrolled(BureauCode Bureau, DateTimeOffset EnrolledAt, int KeyVersion = 0) : IWithBureauCode, IActorNetMessage;

    /// <summary>The directory will not list these keys; <paramref name="Reason"/> says why and what to do. Sending again does not help.</summary>
    public sealed record EnrolmentRefused(BureauCode Bureau, int KeyVersion, string Reason) : IWithBureauCode, IActorNetMessage;

    /// <summary>An operator approves a pending bureau; answered with <see cref="Approved"/> or <see cref="ApprovalRefused"/>.</summary>
    public sealed record Approve(BureauCode Bureau, string By) : IWithBureauCode, IActorNetMessage;

    /// <param name="AlreadyApproved">It was approved before: approving again changes nothing.</param>
    public sealed record Approved(BureauCode Bureau, DateTimeOffset ApprovedAt, bool AlreadyApproved, string? Fingerprint) : IWithBureauCode, IActorNetMessage;

    /// <param name="Unknown">The directory does not list the bureau at all.</param>
    public sealed record ApprovalRefused(BureauCode Bureau, bool Unknown, string Reason) : IWithBureauCode, IActorNetMessage;
}
