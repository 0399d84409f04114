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

/// <summary>A flag a command takes, with a value, e.g. <c>--role ROLE</c>; a repeatable one may be given several times.</summary>
public sealed record Flag(string Name, string Value, bool Required = false, bool Repeatable = false)
{
    public override string ToString() => (Required ? $"{Name} {Value}" : $"[{Name} {Value}]") + (Repeatable ? "..." : "");
}

/// <summary>The words after a command, checked against what the command declares it takes.</summary>
public sealed class CommandArgs
{
    private readonly IReadOnlyList<string> positionals;
    private readonly Dictionary<string, List<string>> flags;

    private CommandArgs(IReadOnlyList<string> positionals, Dictionary<string, List<string>> flags)
    {
        this.positionals = positionals;
        this.flags = flags;
    }

    public static CommandArgs Parse(Command command, IReadOnlyList<string> words, string usage)
    {
        var positionals = new List<string>();
        var flags = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < words.Count; i++)
        {
            var (name, inline) = SplitFlag(words[i]);
            // pbm's short flags (-s, -d, -r) count where the command declares them; other single-dash words stay positional.
            var declaredShort = name.Length > 1 && name[0] == '-' && name[1] != '-' && command.Flags.Any(f => f.Name == name);
            if (!declaredShort && (!name.StartsWith("--", StringComparison.Ordinal) || name.Length == 2))
            {
                positionals.Add(words[i]);
                continue;
            }
            var flag = command.Flags.FirstOrDefault(f => f.Name == name)
                ?? throw new UsageException($"Unknown flag {name} for '{command.Path}': write {command.Synopsis}", usage);
            if (inline is null && i + 1 >= words.Count)
                throw new UsageException($"{name} needs a value: write {command.Synopsis}", usage);
            var value = inline ?? words[++i];
            if (!flags.TryGetValue(name, out var values))
                flags[name] = values = [];
            else if (!flag.Repeatable)
                values.Clear(); // the last one wins, as before
            values.Add(value);
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

    public string? Flag(string name) => flags.GetValueOrDefault(name)?[^1];

    /// <summary>Every value of a repeatable flag, in the order given.</summary>
    public IReadOnlyList<string> Flags(string name) => flags.GetValueOrDefault(name) ?? [];

    internal static (string Name, string? Inline) SplitFlag(string word)
    {
        var equals = word.IndexOf('=');
        return word.StartsWith("--", StringComparison.Ordinal) && equals > 2 ? (word[..equals], word[(equals + 1)..]) : (word, null);
    }
}
