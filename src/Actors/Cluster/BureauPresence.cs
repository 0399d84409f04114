using ActorNet.Protocol;
using Akka.Actor;
using Akka.Cluster;

namespace ActorNet.Actors.Cluster;

/// <summary>Which bureaus have a reachable, Up node right now, as this node's view of the cluster tells.</summary>
/// <remarks>
/// Mutable, owned by one actor at a time; fed the cluster's member and reachability events. A member usually runs one
/// bureau; one that hosts several (<see cref="Hosting.ActorNetHosting.WithHostedBureaus"/>) has a <c>bureau-XX</c> role for each.
/// </remarks>
public sealed class BureauPresence
{
    private readonly Dictionary<Address, IReadOnlyList<BureauCode>> _upMembers = new();
    private readonly HashSet<Address> _unreachable = new();

    /// <summary>Applies a cluster event; returns the bureaus whose presence changed (none for most events).</summary>
    public IReadOnlyList<(BureauCode Bureau, bool Online)> Observe(ClusterEvent.IClusterDomainEvent e)
    {
        switch (e)
        {
            case ClusterEvent.MemberUp up when BureausOf(up.Member) is { Count: > 0 } bureaus:
                return Change(bureaus, () => _upMembers[up.Member.Address] = bureaus);
            case ClusterEvent.MemberRemoved removed when BureausOf(removed.Member) is { Count: > 0 } bureaus:
                return Change(bureaus, () => { _upMembers.Remove(removed.Member.Address); _unreachable.Remove(removed.Member.Address); });
            case ClusterEvent.UnreachableMember u when BureausOf(u.Member) is { Count: > 0 } bureaus:
                return Change(bureaus, () => _unreachable.Add(u.Member.Address));
            case ClusterEvent.ReachableMember r when BureausOf(r.Member) is { Count: > 0 } bureaus:
                return Change(bureaus, () => _unreachable.Remove(r.Member.Address));
            default:
                return [];
        }
    }

    public bool IsOnline(BureauCode bureau) =>
        _upMembers.Any(kv => kv.Value.Contains(bureau) && !_unreachable.Contains(kv.Key));

    public IReadOnlySet<BureauCode> Online =>
        _upMembers.Where(kv => !_unreachable.Contains(kv.Key)).SelectMany(kv => kv.Value).ToHashSet();

    /// <summary>The member's bureau, or the first of those it hosts; null for the Lighthouse.</summary>
    public static BureauCode? BureauOf(Member member) => BureausOf(member).FirstOrDefault();

    /// <summary>Every bureau the member runs, in role order.</summary>
    public static IReadOnlyList<BureauCode> BureausOf(Member member) =>
        member.Roles.Order(StringComparer.Ordinal).Select(BureauCode.FromRole).OfType<BureauCode>().ToList();

    private List<(BureauCode, bool)> Change(IReadOnlyList<BureauCode> bureaus, Action change)
    {
        var before = bureaus.Select(IsOnline).ToList();
        change();
        return bureaus.Select((b, i) => (b, IsOnline(b))).Where((c, i) => c.Item2 != before[i]).ToList();
    }
}
