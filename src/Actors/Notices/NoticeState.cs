using System.Collections.Immutable;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Notices;

namespace ActorNet.Actors.Notices;

/// <summary>
/// One notice as the Secretariat's Notice actor knows it: immutable, changed only by <see cref="Apply"/>. Its content is the
/// sealed envelope it last arrived in; everything else is clear metadata.
/// </summary>
public sealed record NoticeState(
    NoticeId NoticeId,
    string Kind,
    string Type,
    string State,
    BureauCode? RequestedBy,
    IReadOnlyList<BureauCode> RestrictedFrom,
    bool Public,
    IReadOnlyList<BureauCode> To,
    ReadOnlyMemory<byte> Content,
    IReadOnlyList<ComplianceFinding> Findings,
    bool Reviewed,
    IReadOnlyList<BureauCode> Recipients,
    ImmutableHashSet<string> Envelopes,
    IReadOnlyList<NoticeQueries.Step> History,
    UnsentChange? Unsent,
    DateTimeOffset UpdatedAt)
{
    public static NoticeState Empty(NoticeId id) =>
        new(id, NoticeKinds.Notice, "", "", null, [], false, [], ReadOnlyMemory<byte>.Empty, [], false, [], ImmutableHashSet.Create<string>(StringComparer.Ordinal), [], null, DateTimeOffset.MinValue);

    public bool Exists => RequestedBy is not null;

    public bool IsClosed => State is NoticeStates.Cancelled or NoticeStates.Rejected or NoticeStates.Withdrawn;

    public bool IsDiffusion => Kind == NoticeKinds.Diffusion;

    /// <summary>Who must hear of a change: those the notice went to, and the bureau that asked for it.</summary>
    public IReadOnlyList<BureauCode> Audience =>
        (IsDiffusion ? To : Recipients).Append(RequestedBy!).Where(b => !b.IsSecretariat).Distinct().ToArray();

    /// <param name="Sequence">The sequence number of the event that made the change: it names the envelope, so a resend is the same envelope.</param>
    public NoticeState Apply(object @event, long sequence) => @event switch
    {
        NoticeEvents.Requested e => this with
        {
            Kind = e.Kind, Type = e.Type, RequestedBy = e.RequestedBy, RestrictedFrom = e.RestrictedFrom, Public = e.Public, To = e.To,
            Content = e.Sealed, Envelopes = Envelopes.Add(e.EnvelopeId),
            State = e.Kind == NoticeKinds.Diffusion ? NoticeStates.Circulated : NoticeStates.PendingReview,
            History = [.. History, new(e.Kind == NoticeKinds.Diffusion ? "diffused" : "requested", e.RequestedBy.Value, null, e.At)], UpdatedAt = e.At,
        },
        NoticeEvents.ComplianceChecked e => this with
        {
            Findings = e.Findings,
            History = [.. History, new("compliance-checked", "GS", e.Findings.Count == 0 ? "no findings" : string.Join("; ", e.Findings.Select(f => f.Code).Distinct()), e.At)],
        },
        NoticeEvents.Approved e => this with
        {
            Reviewed = true, History = [.. History, new("approved", e.Reviewer, e.Reason, e.At)], UpdatedAt = e.At,
            Unsent = IsDiffusion ? null : new UnsentChange(NoticeDocument.Publish, sequence),
        },
        NoticeEvents.Rejected e => this with
        {
            Reviewed = true, State = IsDiffusion ? State : NoticeStates.Rejected, History = [.. History, new("rejected", e.Reviewer, e.Reason, e.At)], UpdatedAt = e.At,
            Unsent = IsDiffusion ? null : new UnsentChange(NoticeDocument.StateChange, sequence),
        },
        NoticeEvents.Published e when State != NoticeStates.PendingReview => this with
        {
            Recipients = Recipients.Union(e.Recipients).ToArray(), Unsent = null,
            History = [.. History, new("extended", "GS", $"published to {string.Join(", ", e.Recipients)}, approved after the publication", e.At)],
        },
        NoticeEvents.Published e => this with
        {
            State = NoticeStates.Published, Recipients = e.Recipients, Unsent = null,
            History = [.. History, new("published", "GS", $"to {e.Recipients.Count} bureaus", e.At)], UpdatedAt = e.At,
        },
        NoticeEvents.Extended e => this with { Unsent = new UnsentChange(NoticeDocument.Publish, sequence, e.Bureaus) },
        NoticeEvents.Updated e => this with
        {
            Content = e.Sealed, Envelopes = Envelopes.Add(e.EnvelopeId), History = [.. History, new("updated", e.By, null, e.At)], UpdatedAt = e.At,
            Unsent = new UnsentChange(NoticeDocument.Update, sequence),
        },
        NoticeEvents.Cancelled e => this with
        {
            State = NoticeStates.Cancelled, History = [.. History, new("cancelled", e.By, e.Reason, e.At)], UpdatedAt = e.At,
            Unsent = new UnsentChange(NoticeDocument.StateChange, sequence),
        },
        NoticeEvents.Withdrawn e => this with
        {
            State = NoticeStates.Withdrawn, History = [.. History, new("withdrawn", e.By, e.Reason, e.At)], UpdatedAt = e.At,
            Unsent = new UnsentChange(NoticeDocument.StateChange, sequence),
        },
        NoticeEvents.Notified e => this with { Unsent = null, History = [.. History, new("notified", "GS", $"{e.Recipients.Count} bureaus", e.At)] },
        _ => this,
    };

    /// <summary>Why GS's reviewer may not decide now (HTTP status and words), or null when they may.</summary>
    public (int Status, string Reason)? ReviewRefusal() =>
        !Exists ? (404, $"No notice {NoticeId} has reached the Secretariat")
        : IsDiffusion && (Reviewed || IsClosed) ? (409, $"Diffusion {NoticeId} was already reviewed: it is {State}")
        : !IsDiffusion && State != NoticeStates.PendingReview ? (409, $"Notice {NoticeId} was already decided: it is {State}")
        : null;

    /// <summary>Those of <paramref name="bureaus"/> a published notice has not reached and may: none unless it is published.</summary>
    public IReadOnlyList<BureauCode> NotReached(IEnumerable<BureauCode> bureaus) =>
        State != NoticeStates.Published || IsDiffusion
            ? []
            : bureaus.Where(b => !b.IsSecretariat && b != RequestedBy && !RestrictedFrom.Contains(b) && !Recipients.Contains(b)).Distinct().ToArray();

    public NoticeQueries.Record ToRecord() => new(NoticeId, Kind, Type, State, RequestedBy!, Findings, History, UpdatedAt);
}

/// <summary>A change persisted but not yet handed to GS's outbox: sent again after a restart, under the same envelope id.</summary>
/// <param name="To">Only these bureaus (a publication extended to bureaus approved after it); null: all the change concerns.</param>
public sealed record UnsentChange(string Operation, long Sequence, IReadOnlyList<BureauCode>? To = null);
