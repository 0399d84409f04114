using System.Collections.Immutable;
using ActorNet.Protocol;
using ActorNet.Protocol.Directory;

namespace ActorNet.Actors.Directory;

/// <summary>The directory's persisted knowledge: which bureaus exist, since when, last seen when, with which key.</summary>
public sealed record DirectoryState(ImmutableSortedDictionary<BureauCode, DirectoryState.Listing> Bureaus)
{
    public sealed record Listing(DateTimeOffset EnrolledAt, DateTimeOffset LastSeen, string? Fingerprint);

    public static DirectoryState Empty { get; } = new(ImmutableSortedDictionary<BureauCode, Listing>.Empty);

    public bool Knows(BureauCode bureau) => Bureaus.ContainsKey(bureau);

    /// <summary>The events that enrolling <paramref name="bureau"/> needs: none when it is already listed with that key.</summary>
    public IReadOnlyList<object> Enrol(BureauCode bureau, string? fingerprint, DateTimeOffset now) =>
        Bureaus.TryGetValue(bureau, out var listing) && (fingerprint is null || listing.Fingerprint == fingerprint)
            ? []
            : [new DirectoryEvents.BureauEnrolled(bureau, fingerprint ?? listing?.Fingerprint, now)];

    public DirectoryState Apply(object @event) => @event switch
    {
        DirectoryEvents.BureauEnrolled e => new(Bureaus.SetItem(e.Bureau, Bureaus.TryGetValue(e.Bureau, out var known)
            ? known with { Fingerprint = e.Fingerprint }
            : new Listing(e.At, e.At, e.Fingerprint))),
        DirectoryEvents.BureauSeen e => new(Bureaus.SetItem(e.Bureau, Bureaus.TryGetValue(e.Bureau, out var known)
            ? known with { LastSeen = e.At }
            : new Listing(e.At, e.At, null))),
        _ => this,
    };

    public DirectoryQueries.DirectoryView ToView(IReadOnlySet<BureauCode> online, DateTimeOffset now) =>
        new(Bureaus.Select(kv => new DirectoryEntry(kv.Key, kv.Value.EnrolledAt, kv.Value.LastSeen, kv.Value.Fingerprint, online.Contains(kv.Key))).ToArray(), now);
}
