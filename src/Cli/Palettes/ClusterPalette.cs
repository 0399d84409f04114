using System.Text.Json;
using ActorNet.Cli.Output;
using ActorNet.Protocol.Api;

namespace ActorNet.Cli.Palettes;

/// <summary>Membership and its management, with the commands and output of pbm's cluster palette.</summary>
public sealed class ClusterPalette : Palette
{
    private static readonly string[] Address = ["ADDR"];

    public override string Name => "cluster";

    public override string Summary => "membership of the cluster, as pbm shows it";

    public override IReadOnlyList<Command> Commands =>
    [
        new(Name, "show", "every member: address | [roles] | status | reachability | app-version", Show),
        new(Name, "status", "this node's own member line", i => ShowOne(i, "/api/cluster/self")),
        new(Name, "leader", "the leader's member line", i => ShowOne(i, "/api/cluster/leader")),
        new(Name, "join", "make this node join the cluster at ADDR (akka.ssl.tcp://actornet@HOST:PORT, akka.tcp:// with --insecure, or HOST:PORT)",
            i => Ask(i, "join", "Asked this node to join"), Address),
        new(Name, "leave", "ask the member at ADDR to leave the cluster gracefully", i => Ask(i, "leave", "Asked to leave:"), Address),
        new(Name, "down", "mark the member at ADDR as down (for a member that is gone for good)", i => Ask(i, "down", "Marked down:"), Address),
        new(Name, "down-unreachable", "mark every unreachable member as down", DownUnreachable),
        new(Name, "tail", "follow membership events until interrupted (Ctrl-C)", Tail),
    ];

    private static async Task<int> Show(Invocation i)
    {
        var members = await i.Node.GetAsync<MemberInfo[]>("api/cluster/members", i.Cancel);
        i.Out.Result(members, MemberLines.Show);
        return CliApp.Success;
    }

    private static async Task<int> ShowOne(Invocation i, string path)
    {
        var member = await i.Node.GetAsync<MemberInfo>(path, i.Cancel);
        i.Out.Result(member, m => [MemberLines.Line(m)]);
        return CliApp.Success;
    }

    private static async Task<int> Ask(Invocation i, string action, string done)
    {
        var accepted = await i.Node.PostAsync<AcceptedResponse>($"api/cluster/{action}", new AddressRequest(i.Args[0]), i.Cancel);
        i.Out.Result(accepted, a => [$"{done} {a.Address ?? i.Args[0]}"]);
        return CliApp.Success;
    }

    private static async Task<int> DownUnreachable(Invocation i)
    {
        var downed = await i.Node.PostAsync<string[]>("api/cluster/down-unreachable", null, i.Cancel);
        i.Out.Result(downed, d => d.Length == 0
            ? ["No member is unreachable: nothing to down"]
            : d.Select(a => $"Marked down: {a}").Append($"Count: {d.Length} nodes"));
        return CliApp.Success;
    }

    private static Task<int> Tail(Invocation i) =>
        FollowUntilInterrupted(i, "api/cluster/events", "member", data =>
        {
            if (JsonSerializer.Deserialize<ClusterEventInfo>(data, NodeClient.Json) is not { } e)
                return;
            if (i.Out.Json)
                i.Out.WriteJsonLine(e);
            else
                i.Out.Line(MemberLines.Event(e));
        });
}
