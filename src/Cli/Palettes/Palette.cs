using ActorNet.Cli.Output;

namespace ActorNet.Cli.Palettes;

/// <summary>One group of commands, as in pbm: <c>cluster</c>, <c>bureau</c>, <c>token</c>, ...</summary>
public abstract class Palette
{
    /// <summary>
    /// Follows a node's event stream until interrupted, handing each event of <paramref name="eventType"/> to
    /// <paramref name="show"/> and flushing after it (a person watches this live). Ctrl-C is how it is meant to end.
    /// </summary>
    protected static async Task<int> FollowUntilInterrupted(Invocation i, string path, string eventType, Action<string> show)
    {
        try
        {
            await foreach (var item in i.Node.FollowAsync(path, i.Cancel))
            {
                if (item.EventType != eventType)
                    continue;
                show(item.Data);
                i.Out.Flush();
            }
        }
        catch (OperationCanceledException) when (i.Cancel.IsCancellationRequested)
        {
            return CliApp.Success;
        }
        throw new NodeUnreachableException($"The node at {i.Node.Url} closed the event stream (is it shutting down?)");
    }

    public abstract string Name { get; }

    public abstract string Summary { get; }

    public abstract IReadOnlyList<Command> Commands { get; }

    public string Usage
    {
        get
        {
            var synopses = Commands.Select(c => c.Synopsis["actornet ".Length..]).ToList();
            var width = synopses.Max(s => s.Length);
            return $"Usage: actornet [--node URL] [--token T] [--json] {Name} <command> [args]\n{Name}: {Summary}\n" + string.Join('\n', Commands.Select((c, i) => $"  {synopses[i].PadRight(width)}  {c.Summary}"));
        }
    }
}

/// <summary>One command of a palette: its words, what it takes, and what it does.</summary>
public sealed record Command(
    string Palette,
    string Name,
    string Summary,
    Func<Invocation, Task<int>> Run,
    IReadOnlyList<string>? Arguments = null,
    IReadOnlyList<Flag>? Flags = null)
{
    public IReadOnlyList<string> Arguments { get; } = Arguments ?? [];

    public IReadOnlyList<Flag> Flags { get; } = Flags ?? [];

    public string Path => $"{Palette} {Name}";

    public string Synopsis => string.Join(' ', new[] { "actornet", Path }.Concat(Arguments).Concat(Flags.Select(f => f.ToString())));
}

/// <summary>What a running command has at hand: the node, its arguments, where to write, its palette's usage.</summary>
public sealed record Invocation(NodeClient Node, CommandArgs Args, Printer Out, string Usage, CancellationToken Cancel);
