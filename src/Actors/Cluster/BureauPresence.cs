using ActorNet.Protocol;
using Akka.Actor;
using Akka.Cluster;

namespace ActorNet.Actors.Cluster;

/// <summary>Which bureaus have a reachable, Up node right now, as this node's view of the cluster tells.</summary>
/// <remarks>Mutable, owned by one actor at a time; fed the cluster's member and reachability events.</remarks>
public sealed class BureauPresence
{
    private readonly Dictionary<Address, BureauCode> _upMembers = new();
    private readonly HashSet<Address> _unreachable = new();

    /// <summary>Applies a cluster event; returns the bureau whose presence changed, if any.</summary>
    public (BureauCode Bureau, bool Online)? Observe(ClusterEvent.IClusterDomainEvent e)
    {
        switch (e)
        {
            case ClusterEvent.MemberUp up when BureauOf(up.Member) is { } bureau:
                return Change(bureau, () => _upMembers[up.Member.Address] = bureau);
            case ClusterEvent.MemberRemoved removed when BureauOf(removed.Member) is { } bureau:
                return Change(bureau, () => { _upMembers.Remove(removed.Member.Address); _unreachable.Remove(removed.Member.Address); });
            case ClusterEvent.UnreachableMember u when BureauOf(u.Member) is { } bureau:
                return Change(bureau, () => _unreachable.Add(u.Member.Address));
            case ClusterEvent.ReachableMember r when BureauOf(r.Member) is { } bureau:
                return Change(bureau, () => _unreachable.Remove(r.Member.Address));
            default:
                return null;
        }
    }

    public bool IsOnline(BureauCode bureau) =>
        _upMembers.Any(kv => kv.Value.Equals(bureau) && !_unreachable.Contains(kv.Key));

    public IReadOnlySet<BureauCode> Online =>
        _upMembers.Where(kv => !_unreachable.Contains(kv.Key)).Select(kv => kv.Value).ToHashSet();

    public static BureauCode? BureauOf(Member member) =>
        member.Roles.Select(BureauCode.FromRole).FirstOrDefault(code => code is not null);

    private (BureauCode, bool)? Change(BureauCode bureau, Action change)
    {
        var before = IsOnline(bureau);
        change();
        var after = IsOnline(bureau);
        return before == after ? null : (bureau, after);
    }
}
