using ActorNet.Protocol.Notices.Search;

namespace ActorNet.Protocol.Notices;

/// <summary>What the Secretariat's Notice actor persists: one notice's life, its content only ever sealed.</summary>
public static class NoticeEvents
{
    /// <summary>A bureau asked for a notice, or sent a diffusion; <paramref name="Sealed"/> is its envelope, which GS can open.</summary>
    public sealed record Requested(
        NoticeId NoticeId, string Kind, string Type, BureauCode RequestedBy, IReadOnlyList<BureauCode> RestrictedFrom, bool Public,
        IReadOnlyList<BureauCode> To, string EnvelopeId, ReadOnlyMemory<byte> Sealed, DateTimeOffset At) : IWithNoticeId, IActorNetMessage;

    public sealed record ComplianceChecked(NoticeId NoticeId, IReadOnlyList<ComplianceFinding> Findings, DateTimeOffset At) : IWithNoticeId, IActorNetMessage;

    public sealed record Approved(NoticeId NoticeId, string Reviewer, string Reason, DateTimeOffset At) : IWithNoticeId, IActorNetMessage;

    public sealed record Rejected(NoticeId NoticeId, string Reviewer, string Reason, DateTimeOffset At) : IWithNoticeId, IActorNetMessage;

    /// <summary>The notice, sealed for <paramref name="Recipients"/>, is in GS's outbox as <paramref name="EnvelopeId"/>.</summary>
    public sealed record Published(NoticeId NoticeId, string EnvelopeId, IReadOnlyList<BureauCode> Recipients, DateTimeOffset At) : IWithNoticeId, IActorNetMessage;

    /// <summary>New particulars from the requesting bureau (or GS): <paramref name="Sealed"/> replaces the content.</summary>
    public sealed record Updated(NoticeId NoticeId, string By, string EnvelopeId, ReadOnlyMemory<byte> Sealed, DateTimeOffset At) : IWithNoticeId, IActorNetMessage;

    public sealed record Cancelled(NoticeId NoticeId, string By, string Reason, DateTimeOffset At) : IWithNoticeId, IActorNetMessage;

    /// <summary>A rejected diffusion, taken back from its recipients.</summary>
    public sealed record Withdrawn(NoticeId NoticeId, string By, string Reason, DateTimeOffset At) : IWithNoticeId, IActorNetMessage;

    /// <summary>A change other than the publication (rejection, update, cancellation, withdrawal) is in GS's outbox for <paramref name="Recipients"/>.</summary>
    public sealed record Notified(NoticeId NoticeId, string EnvelopeId, IReadOnlyList<BureauCode> Recipients, DateTimeOffset At) : IWithNoticeId, IActorNetMessage;

    /// <summary>
    /// The published notice is to go to <paramref name="Bureaus"/> too, approved after its publication; a <see cref="Published"/> for
    /// them follows once it is in GS's outbox.
    /// </summary>
    public sealed record Extended(NoticeId NoticeId, IReadOnlyList<BureauCode> Bureaus, DateTimeOffset At) : IWithNoticeId, IActorNetMessage;
}

/// <summary>What GS's API asks of a Notice actor.</summary>
public static class NoticeCommands
{
    /// <summary>A GS reviewer's decision; answered with <see cref="Done"/> or <see cref="Refused"/> (404 unknown, 409 already decided).</summary>
    public sealed record Review(NoticeId NoticeId, bool Approve, string Reviewer, string Reason) : IWithNoticeId, IActorNetMessage;

    /// <summary>Cancels a notice (or withdraws a diffusion) on GS's own authority.</summary>
    public sealed record Cancel(NoticeId NoticeId, string By, string Reason) : IWithNoticeId, IActorNetMessage;

    /// <summary>
    /// Sends the notice, if it is published, to those of <paramref name="Bureaus"/> that do not have it and are not restricted from it:
    /// bureaus approved after its publication. Answered with <see cref="Done"/>, or <see cref="Refused"/> (503) while this GS node
    /// does not know one of their keys yet.
    /// </summary>
    public sealed record Extend(NoticeId NoticeId, IReadOnlyList<BureauCode> Bureaus) : IWithNoticeId, IActorNetMessage;

    public sealed record Done(NoticeId NoticeId, string State) : IWithNoticeId, IActorNetMessage;

    /// <param name="Status">The HTTP status that fits: 404, 409, 403.</param>
    public sealed record Refused(NoticeId NoticeId, int Status, string Reason) : IWithNoticeId, IActorNetMessage;
}

public static class NoticeQueries
{
    /// <summary>Answered with <see cref="Record"/>, or <see cref="NoticeCommands.Refused"/> (404) for a notice GS never received.</summary>
    public sealed record Get(NoticeId NoticeId) : IWithNoticeId, IActorNetMessage;

    /// <summary>What GS knows of a notice besides its sealed content: state, compliance findings and history.</summary>
    public sealed record Record(
        NoticeId NoticeId, string Kind, string Type, string State, BureauCode RequestedBy, IReadOnlyList<ComplianceFinding> Findings,
        IReadOnlyList<Step> History, DateTimeOffset UpdatedAt) : IWithNoticeId, IActorNetMessage;

    public sealed record Step(string What, string By, string? Reason, DateTimeOffset At);
}

/// <summary>What a bureau's notice copies persist: each sealed notice document it received, once, with its clear metadata.</summary>
public static class NoticeCopyEvents
{
    /// <param name="Operation">The document's operation (<see cref="NoticeDocument.Operations"/>).</param>
    /// <param name="State">The notice's state after this document.</param>
    public sealed record Kept(
        NoticeId NoticeId, string EnvelopeId, BureauCode From, string Operation, string Kind, string Type, string State, BureauCode RequestedBy,
        ReadOnlyMemory<byte> Sealed, DateTimeOffset At) : IWithNoticeId, IActorNetMessage;
}

public static class NoticeCopyQueries
{
    /// <summary>The notices this bureau holds, newest first, filtered; answered with <see cref="Found"/>.</summary>
    /// <remarks>The first form of the query, still answered for nodes that send it; <see cref="Search"/> says more.</remarks>
    public sealed record List(BureauCode Bureau, string? Type, string? State, string? Query, string? Nationality, int Limit) : IWithBureauCode, IActorNetMessage;

    /// <summary>One notice; answered with <see cref="Found"/> of none or one.</summary>
    public sealed record Get(BureauCode Bureau, NoticeId NoticeId) : IWithBureauCode, IActorNetMessage;

    /// <summary>A page of the notices this bureau holds that answer <paramref name="Query"/>, best match first; answered with <see cref="Found"/> and its total.</summary>
    public sealed record Search(BureauCode Bureau, NoticeSearchQuery Query) : IWithBureauCode, IActorNetMessage;

    /// <summary>A notice of the public extract by its entity id (<c>YYYY/NNNNN</c>): answered with <see cref="Found"/> of one only when it is published and public.</summary>
    public sealed record GetPublic(BureauCode Bureau, string EntityId) : IWithBureauCode, IActorNetMessage;

    /// <param name="Withdrawn">Notices asked for by id that GS took back: the API says so rather than "unknown".</param>
    /// <param name="Total">For a <see cref="Search"/>: how many notices answer it in all, of which <paramref name="Entries"/> is one page.</param>
    public sealed record Found(IReadOnlyList<Entry> Entries, bool Withdrawn = false, int Total = 0) : IActorNetMessage;

    /// <summary>
    /// One notice as this bureau holds it: its state and, asked for by id, its latest sealed content. A page of a search carries
    /// the <paramref name="Summary"/> of each notice instead, and no sealed content once the copy has opened it (the copies keep
    /// only the summary in memory; the sealed content stays in the journal and is read back for one notice asked for by id).
    /// </summary>
    public sealed record Entry(
        NoticeId NoticeId, string Kind, string Type, string State, BureauCode RequestedBy, string? Reason, DateTimeOffset UpdatedAt, ReadOnlyMemory<byte> Sealed,
        Summary? Summary = null);

    /// <summary>What a list shows of a notice's subject, opened from its latest content.</summary>
    public sealed record Summary(string? Name, string? Forename, PartialDate? DateOfBirth, IReadOnlyList<string> Nationalities);
}

/// <summary>What the Secretariat's <c>NoticeCatchUpActor</c> persists: the bureaus it has given every notice published before their approval.</summary>
public static class NoticeCatchUpEvents
{
    public sealed record CaughtUp(IReadOnlyList<BureauCode> Bureaus, DateTimeOffset At) : IActorNetMessage;
}
