using System.Collections.Immutable;
using ActorNet.Protocol;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Sealing;

namespace ActorNet.Actors.Directory;

/// <summary>The directory's persisted knowledge: which bureaus exist, since when, last seen when, with which key.</summary>
public sealed record DirectoryState(ImmutableSortedDictionary<BureauCode, DirectoryState.Listing> Bureaus)
{
    public sealed record Listing(DateTimeOffset EnrolledAt, DateTimeOffset LastSeen, string? Fingerprint)
    {
        public ImmutableList<BureauPublicKeys> Keys { get; init; } = [];
    }

    public static DirectoryState Empty { get; } = new(ImmutableSortedDictionary<BureauCode, Listing>.Empty);

    public bool Knows(BureauCode bureau) => Bureaus.ContainsKey(bureau);

    /// <summary>The events that enrolling <paramref name="bureau"/> needs: none when it is already listed with these keys.</summary>
    public IReadOnlyList<object> Enrol(BureauCode bureau, string? fingerprint, DateTimeOffset now, BureauPublicKeys? keys = null)
    {
        fingerprint = keys?.Fingerprint ?? fingerprint;
        if (Bureaus.TryGetValue(bureau, out var listing)
            && (fingerprint is null || listing.Fingerprint == fingerprint)
            && (keys is null || listing.Keys.Any(k => k.Version == keys.Version)))
            return [];
        return [new DirectoryEvents.BureauEnrolled(bureau, fingerprint ?? listing?.Fingerprint, now, keys)];
    }

    public DirectoryState Apply(object @event) => @event switch
    {
        DirectoryEvents.BureauEnrolled e => new(Bureaus.SetItem(e.Bureau, WithKeys(Bureaus.TryGetValue(e.Bureau, out var known)
            ? known with { Fingerprint = e.Fingerprint }
            : new Listing(e.At, e.At, e.Fingerprint), e.Keys))),
        DirectoryEvents.BureauSeen e => new(Bureaus.SetItem(e.Bureau, Bureaus.TryGetValue(e.Bureau, out var known)
            ? known with { LastSeen = e.At }
            : new Listing(e.At, e.At, null))),
        _ => this,
    };

    public DirectoryQueries.DirectoryView ToView(IReadOnlySet<BureauCode> online, DateTimeOffset now) =>
        new(Bureaus.Select(kv => new DirectoryEntry(kv.Key, kv.Value.EnrolledAt, kv.Value.LastSeen, kv.Value.Fingerprint, online.Contains(kv.Key), kv.Value.Keys)).ToArray(), now);

    private static Listing WithKeys(Listing listing, BureauPublicKeys? keys) =>
        keys is null || listing.Keys.Any(k => k.Version == keys.Version)
            ? listing
            : listing with { Keys = listing.Keys.Add(keys).Sort((a, b) => a.Version.CompareTo(b.Version)) };
}
