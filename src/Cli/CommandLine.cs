using ActorNet.Cli.Palettes;

namespace ActorNet.Cli;

/// <summary>The options every command shares, taken out of the words wherever they stand.</summary>
public sealed record GlobalOptions(Uri Node, string? Token, bool Json, bool Help, IReadOnlyList<string> Words)
{
    public const string DefaultNode = "http://127.0.0.1:5080";

    public static GlobalOptions Parse(IReadOnlyList<string> args, Func<string, string?> env) =>
        Parse(args, NodeUri(env("ACTORNET_NODE") is { Length: > 0 } fromEnv ? fromEnv : DefaultNode, "ACTORNET_NODE"), env("ACTORNET_TOKEN"), json: false);

    /// <summary>Reads the global options in <paramref name="args"/>, falling back to the given defaults (the prompt's session).</summary>
    public static GlobalOptions Parse(IReadOnlyList<string> args, Uri node, string? token, bool json)
    {
        var help = false;
        var words = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inline) = CommandArgs.SplitFlag(args[i]);
            switch (name)
            {
                case "--node":
                    node = NodeUri(inline ?? ValueAfter(args, ref i, "--node", "URL"), "--node");
                    break;
                case "--token":
                    token = inline ?? ValueAfter(args, ref i, "--token", "TOKEN");
                    break;
                case "--json":
                    json = true;
                    break;
                case "--help" or "-h":
                    help = true;
                    break;
                default:
                    words.Add(args[i]);
                    break;
            }
        }
        return new GlobalOptions(node, token, json, help, words);
    }

    private static string ValueAfter(IReadOnlyList<string> args, ref int i, string flag, string what)
    {
        // "--token --json" is a forgotten value, not a token that starts with dashes.
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new UsageException($"{flag} needs a value: write {flag} {what}", Usage.General);
        return args[++i];
    }

    private static Uri NodeUri(string text, string source)
    {
        // Operators write host:port as often as a URL; both mean the node's HTTP API.
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
        throw new UsageException($"{source} '{text}' is not a node URL: write for example {DefaultNode}", Usage.General);
    }
}

/// <summary>A flag a command takes, with a value, e.g. <c>--role ROLE</c>.</summary>
public sealed record Flag(string Name, string Value, bool Required = false)
{
    public override string ToString() => Required ? $"{Name} {Value}" : $"[{Name} {Value}]";
}

/// <summary>The words after a command, checked against what the command declares it takes.</summary>
public sealed class CommandArgs
{
    private readonly IReadOnlyList<string> positionals;
    private readonly Dictionary<string, string> flags;

    private CommandArgs(IReadOnlyList<string> positionals, Dictionary<string, string> flags)
    {
        this.positionals = positionals;
        this.flags = flags;
    }

    public static CommandArgs Parse(Command command, IReadOnlyList<string> words, string usage)
    {
        var positionals = new List<string>();
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < words.Count; i++)
        {
            var (name, inline) = SplitFlag(words[i]);
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length == 2)
            {
                positionals.Add(words[i]);
                continue;
            }
            var flag = command.Flags.FirstOrDefault(f => f.Name == name)
                ?? throw new UsageException($"Unknown flag {name} for '{command.Path}': write {command.Synopsis}", usage);
            if (inline is null && i + 1 >= words.Count)
                throw new UsageException($"{name} needs a value: write {command.Synopsis}", usage);
            flags[name] = inline ?? words[++i];
        }
        if (positionals.Count < command.Arguments.Count)
            throw new UsageException($"Missing {command.Arguments[positionals.Count]}: write {command.Synopsis}", usage);
        if (positionals.Count > command.Arguments.Count)
            throw new UsageException($"Unexpected '{positionals[command.Arguments.Count]}': write {command.Synopsis}", usage);
        if (command.Flags.FirstOrDefault(f => f.Required && !flags.ContainsKey(f.Name)) is { } missing)
            throw new UsageException($"Missing {missing.Name}: write {command.Synopsis}", usage);
        return new CommandArgs(positionals, flags);
    }

    public string this[int index] => positionals[index];

    public string? Flag(string name) => flags.GetValueOrDefault(name);

    internal static (string Name, string? Inline) SplitFlag(string word)
    {
        var equals = word.IndexOf('=');
        return word.StartsWith("--", StringComparison.Ordinal) && equals > 2 ? (word[..equals], word[(equals + 1)..]) : (word, null);
    }
}
