using System.Collections.Immutable;
using ActorNet.Protocol;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Sealing;

namespace ActorNet.Actors.Directory;

/// <summary>The directory's persisted knowledge: which bureaus exist, since when, last seen when, with which keys, approved or not.</summary>
public sealed record DirectoryState(ImmutableSortedDictionary<BureauCode, DirectoryState.Listing> Bureaus)
{
    public sealed record Listing(DateTimeOffset EnrolledAt, DateTimeOffset LastSeen, string? Fingerprint)
    {
        public ImmutableList<BureauPublicKeys> Keys { get; init; } = [];

        public DateTimeOffset? ApprovedAt { get; init; }

        public ImmutableList<KeyEndorsement> Endorsements { get; init; } = [];

        public bool IsApproved => ApprovedAt is not null;

        public BureauPublicKeys? LatestKeys => Keys.IsEmpty ? null : Keys[^1];
    }

    /// <summary>What an enrolment with keys leads to: the events to persist, or a refusal that says what is wrong.</summary>
    public sealed record EnrolDecision(IReadOnlyList<object> Events, string? Refusal, bool IsRotation)
    {
        public static EnrolDecision Refuse(string reason) => new([], reason, false);
    }

    /// <summary>What approving a bureau leads to.</summary>
    public sealed record ApprovalDecision(IReadOnlyList<object> Events, bool Unknown, string? Refusal, DateTimeOffset? AlreadyApprovedAt);

    public static DirectoryState Empty { get; } = new(ImmutableSortedDictionary<BureauCode, Listing>.Empty);

    public bool Knows(BureauCode bureau) => Bureaus.ContainsKey(bureau);

    public bool IsApproved(BureauCode bureau) => Bureaus.TryGetValue(bureau, out var listing) && listing.IsApproved;

    /// <summary>The events that listing <paramref name="bureau"/> without keys needs (it was seen, or enrolled with a fingerprint only): none when it is already listed so.</summary>
    public IReadOnlyList<object> Enrol(BureauCode bureau, string? fingerprint, DateTimeOffset now)
    {
        if (Bureaus.TryGetValue(bureau, out var listing) && (fingerprint is null || listing.Fingerprint == fingerprint))
            return [];
        return [new DirectoryEvents.BureauEnrolled(bureau, fingerprint ?? listing?.Fingerprint, now)];
    }

    /// <summary>
    /// Decides an enrolment with keys. A bureau's first keys are listed (pending until approved); the same keys again change nothing;
    /// a next version is listed only with a rotation proof from the version before it; anything else is refused.
    /// </summary>
    public EnrolDecision EnrolKeys(BureauCode bureau, BureauPublicKeys keys, byte[]? rotationProof, DateTimeOffset now)
    {
        if (keys.Bureau != bureau)
            return EnrolDecision.Refuse($"the keys offered are {keys.Bureau}'s, not {bureau}'s");
        if (!Bureaus.TryGetValue(bureau, out var listing) || listing.LatestKeys is not { } latest)
            return new([new DirectoryEvents.BureauEnrolled(bureau, keys.Fingerprint, now, keys)], null, false);

        if (listing.Keys.FirstOrDefault(k => k.Version == keys.Version) is { } known)
            return known.Equals(keys)
                ? new([], null, false)
                : EnrolDecision.Refuse($"{bureau} key version {keys.Version} is listed with fingerprint {known.Fingerprint}, but this node offers {keys.Fingerprint}: " +
                    (bureau.IsSecretariat
                        ? "another GS node's keys are listed; give every GS node the same keys directory (copy the first GS node's <data>/keys) so that messages to GS open on any of them"
                        : "its keys directory was replaced; restore it from backup (a key version, once listed, never changes)"));
        if (keys.Version < latest.Version)
            return EnrolDecision.Refuse($"{bureau} offers key version {keys.Version}, older than the listed version {latest.Version}: restore the keys directory from backup");
        if (keys.Version > latest.Version + 1)
            return EnrolDecision.Refuse($"{bureau} offers key version {keys.Version}, but the directory lists version {latest.Version}: " +
                $"the rotation to version {latest.Version + 1} never reached GS, so version {keys.Version} cannot be checked");
        if (rotationProof is null)
            return EnrolDecision.Refuse($"{bureau} key version {keys.Version} comes without a rotation proof signed by version {latest.Version}: rotate with actornet bureau rotate-keys");
        if (!KeyRotation.Verify(latest, keys, rotationProof))
            return EnrolDecision.Refuse($"the rotation proof of {bureau} key version {keys.Version} does not verify under version {latest.Version} ({latest.Fingerprint})");
        return new([new DirectoryEvents.BureauEnrolled(bureau, keys.Fingerprint, now, keys)], null, true);
    }

    /// <summary>Decides an operator's approval: unknown bureaus and bureaus without keys cannot be approved; approving twice changes nothing.</summary>
    public ApprovalDecision Approve(BureauCode bureau, DateTimeOffset now, string by)
    {
        if (!Bureaus.TryGetValue(bureau, out var listing))
            return new([], true, $"No bureau {bureau} is in the directory: its node has not enrolled yet (is it running and joined?)", null);
        if (listing.ApprovedAt is { } at)
            return new([], false, null, at);
        if (listing.Keys.IsEmpty)
            return new([], false, $"{bureau} has enrolled no keys yet: start its node (or wait for it to enrol) and approve it then", null);
        return new([new DirectoryEvents.BureauApproved(bureau, now, by)], false, null, null);
    }

    /// <summary>
    /// The key versions of an approved bureau that GS has not signed yet: all of them at approval, the new one after a rotation,
    /// and, once GS signs (<paramref name="signed"/>), those endorsed unsigned while the network ran --insecure.
    /// </summary>
    public IReadOnlyList<BureauPublicKeys> Unendorsed(BureauCode bureau, bool signed) =>
        Bureaus.TryGetValue(bureau, out var listing) && listing.IsApproved
            ? listing.Keys.Where(k => listing.Endorsements.LastOrDefault(e => e.Version == k.Version) is not { } e || signed && !e.IsSigned).ToList()
            : [];

    public DirectoryState Apply(object @event) => @event switch
    {
        DirectoryEvents.BureauEnrolled e => new(Bureaus.SetItem(e.Bureau, WithKeys(Bureaus.TryGetValue(e.Bureau, out var known)
            ? known with { Fingerprint = e.Fingerprint }
            : new Listing(e.At, e.At, e.Fingerprint), e.Keys))),
        DirectoryEvents.BureauSeen e => new(Bureaus.SetItem(e.Bureau, Bureaus.TryGetValue(e.Bureau, out var known)
            ? known with { LastSeen = e.At }
            : new Listing(e.At, e.At, null))),
        DirectoryEvents.BureauApproved e when Bureaus.TryGetValue(e.Bureau, out var known) && !known.IsApproved =>
            new(Bureaus.SetItem(e.Bureau, known with { ApprovedAt = e.At })),
        DirectoryEvents.KeysEndorsed { Endorsement: var e } when Bureaus.TryGetValue(e.Bureau, out var known) =>
            new(Bureaus.SetItem(e.Bureau, known with { Endorsements = known.Endorsements.RemoveAll(x => x.Version == e.Version).Add(e) })),
        _ => this,
    };

    public DirectoryQueries.DirectoryView ToView(IReadOnlySet<BureauCode> online, DateTimeOffset now) =>
        new(Bureaus.Select(kv => new DirectoryEntry(kv.Key, kv.Value.EnrolledAt, kv.Value.LastSeen, kv.Value.Fingerprint, online.Contains(kv.Key), kv.Value.Keys,
            kv.Value.ApprovedAt, kv.Value.Endorsements)).ToArray(), now);

    /// <summary>The events that rebuild a listing as a snapshot's view shows it.</summary>
    public static IEnumerable<object> EventsOf(DirectoryEntry entry)
    {
        yield return new DirectoryEvents.BureauEnrolled(entry.Bureau, entry.Fingerprint, entry.EnrolledAt);
        foreach (var keys in entry.Keys)
            yield return new DirectoryEvents.BureauEnrolled(entry.Bureau, entry.Fingerprint, entry.EnrolledAt, keys);
        yield return new DirectoryEvents.BureauSeen(entry.Bureau, entry.Online, entry.LastSeen);
        if (entry.ApprovedAt is { } approved)
            yield return new DirectoryEvents.BureauApproved(entry.Bureau, approved, "snapshot");
        foreach (var endorsement in entry.Endorsements)
            yield return new DirectoryEvents.KeysEndorsed(endorsement);
    }

    private static Listing WithKeys(Listing listing, BureauPublicKeys? keys) =>
        keys is null || listing.Keys.Any(k => k.Version == keys.Version)
            ? listing
            : listing with { Keys = listing.Keys.Add(keys).Sort((a, b) => a.Version.CompareTo(b.Version)) };
}
