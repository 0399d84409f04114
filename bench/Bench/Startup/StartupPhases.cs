using System.Text.Json;
using ActorNet.Bench.Infrastructure;

namespace ActorNet.Bench.Startup;

/// <summary>Where a node's start goes: the first time each milestone appears in its JSON log, in seconds since its process started.</summary>
public static class StartupPhases
{
    public static readonly (string Phase, string Marker)[] Milestones =
    [
        ("first log line (runtime up, options read)", ""),
        ("Akka remoting listening", "Remoting started"),
        ("cluster extension started", "Started up successfully"),
        ("HTTP listening", "Now listening on"),
        ("Welcome from the seed (joined)", "Welcome from"),
        ("bureau singleton started", "Singleton manager started singleton"),
        ("bureau proxy found the singleton", "Singleton identified"),
    ];

    public static Dictionary<string, double> Read(ChildProcess node)
    {
        var found = new Dictionary<string, double>();
        IEnumerable<string> lines;
        try
        {
            using var stream = new FileStream(node.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            lines = reader.ReadToEnd().Split('\n');
        }
        catch (IOException)
        {
            return found;
        }
        foreach (var line in lines)
        {
            if (!line.StartsWith('{'))
                continue;
            foreach (var (phase, marker) in Milestones)
            {
                if (found.ContainsKey(phase) || !line.Contains(marker, StringComparison.Ordinal) && !IsRendered(line, marker))
                    continue;
                try
                {
                    using var json = JsonDocument.Parse(line);
                    if (json.RootElement.TryGetProperty("@t", out var t) && t.TryGetDateTimeOffset(out var at))
                        found[phase] = Math.Round((at - node.StartedAtUtc).TotalSeconds, 3);
                }
                catch (JsonException) { }
            }
        }
        return found;
    }

    // Akka's cluster messages are templates ("Cluster Node [{0}] - {1}") with the words in a property.
    private static bool IsRendered(string line, string marker) => line.Contains($"\"{marker}", StringComparison.Ordinal);
}
