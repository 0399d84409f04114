using ActorNet.Protocol.Api;

namespace ActorNet.Cli.Output;

/// <summary>Cluster members in the layout of Petabridge's pbm, so operators who know it read ours unchanged.</summary>
public static class MemberLines
{
    public static string Line(MemberInfo member) =>
        $"{member.Address} | [{string.Join(", ", member.Roles)}] | {member.Status} | {Reachability(member.Reachable)} | {member.AppVersion}";

    public static IEnumerable<string> Show(IReadOnlyList<MemberInfo> members) =>
        members.Select(Line).Append($"Count: {members.Count} nodes");

    public static string Event(ClusterEventInfo e) =>
        $"{Table.Time(e.At)} | {e.Type} | {e.Address} | [{string.Join(", ", e.Roles)}] | {e.Status}";

    private static string Reachability(bool reachable) => reachable ? "Reachable" : "Unreachable";
}
