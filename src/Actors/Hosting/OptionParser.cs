namespace ActorNet.Actors.Hosting;

/// <summary>One command-line flag and the environment variable that stands in for it.</summary>
public sealed record OptionSpec(string Flag, string? Env, string Help, bool TakesValue = true, bool Repeatable = false);

/// <summary>A start-up setting is wrong: the message names it and says what to write instead.</summary>
public sealed class OptionsException(string message) : Exception(message);

/// <summary>
/// Reads flags, then their environment variables: a flag wins over its variable.
/// Kept to our own few lines because every flag must also be readable from the environment and
/// the compose-file test must check service definitions against exactly this parser.
/// </summary>
public static class OptionParser
{
    public static Dictionary<string, List<string>> Parse(
        IReadOnlyList<string> args, IReadOnlyList<OptionSpec> specs, Func<string, string?> env)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            var spec = specs.FirstOrDefault(s => s.Flag == arg)
                ?? throw new OptionsException(arg.StartsWith('-')
                    ? $"unknown option {arg}: known options are {string.Join(", ", specs.Select(s => s.Flag))}"
                    : $"unexpected argument '{arg}': options start with --, see --help");
            string value;
            if (!spec.TakesValue)
            {
                if (inline is not null && !IsTrue(inline) && !IsFalse(inline))
                    throw new OptionsException($"{spec.Flag} takes no value (or true/false), not '{inline}'");
                value = inline is null || IsTrue(inline) ? "true" : "false";
            }
            else if (inline is not null)
                value = inline;
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                value = args[++i];
            else
                throw new OptionsException($"{spec.Flag} needs a value: {spec.Help}");

            if (!values.TryGetValue(spec.Flag, out var list))
                values[spec.Flag] = list = [];
            else if (!spec.Repeatable)
                throw new OptionsException($"{spec.Flag} is given twice: give it once");
            list.Add(value);
        }

        foreach (var spec in specs.Where(s => s.Env is not null && !values.ContainsKey(s.Flag)))
        {
            var raw = env(spec.Env!);
            if (string.IsNullOrWhiteSpace(raw))
                continue;
            if (!spec.TakesValue)
            {
                if (!IsTrue(raw) && !IsFalse(raw))
                    throw new OptionsException($"{spec.Env}='{raw}' is not a switch value: use 1 or 0");
                values[spec.Flag] = [IsTrue(raw) ? "true" : "false"];
            }
            else
                values[spec.Flag] = spec.Repeatable
                    ? raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
                    : [raw.Trim()];
        }
        return values;
    }

    public static string Usage(string program, IReadOnlyList<OptionSpec> specs) =>
        $"usage: {program} [options]\n" + string.Join("\n", specs.Select(s =>
            $"  {s.Flag + (s.TakesValue ? " VALUE" : ""),-26} {s.Help}{(s.Env is null ? "" : $" (env {s.Env})")}"));

    public static (string Host, int Port) ParseEndpoint(string flag, string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value[(colon + 1)..], out var port) || port is < 0 or > 65535)
            throw new OptionsException($"{flag} '{value}' is not HOST:PORT (for example 127.0.0.1:4053)");
        var host = value[..colon].Trim('[', ']');
        if (host.Length == 0 || host.Any(char.IsWhiteSpace))
            throw new OptionsException($"{flag} '{value}' has no valid host (for example 127.0.0.1:4053)");
        return (host, port);
    }

    /// <summary>A duration written as 500ms, 15s or 2m, between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public static TimeSpan ParseDuration(string flag, string value, TimeSpan min, TimeSpan max)
    {
        var v = value.Trim();
        var (digits, unit) = v.EndsWith("ms", StringComparison.Ordinal) ? (v[..^2], TimeSpan.FromMilliseconds(1))
            : v.EndsWith('s') ? (v[..^1], TimeSpan.FromSeconds(1))
            : v.EndsWith('m') ? (v[..^1], TimeSpan.FromMinutes(1))
            : ("", TimeSpan.Zero);
        if (unit == TimeSpan.Zero || !int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
            throw new OptionsException($"{flag} '{value}' is not a duration: write a whole number with ms, s or m, for example 10s");
        var duration = unit * n;
        if (duration < min || duration > max)
            throw new OptionsException($"{flag} '{value}' is out of range: between {Show(min)} and {Show(max)}");
        return duration;
    }

    private static string Show(TimeSpan t) => t.TotalSeconds >= 60 && t.Seconds == 0 ? $"{t.TotalMinutes:0}m" : t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0}s" : $"{t.TotalMilliseconds:0}ms";

    private static bool IsTrue(string v) => v is "1" or "true" or "yes" or "on";
    private static bool IsFalse(string v) => v is "0" or "false" or "no" or "off";
}
