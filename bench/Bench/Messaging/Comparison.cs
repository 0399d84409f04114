using System.Text;
using System.Text.Json;
using ActorNet.Bench.Infrastructure;

namespace ActorNet.Bench.Messaging;

/// <summary>
/// The side-by-side table: ActorNet's messaging scenarios and the raw Akka.Remote ping-pong (bench JSON files) next to
/// PeerBench's RabbitMQ and NATS JetStream figures (its summary.json, medians over its runs), with issue 3's goals judged.
/// </summary>
public static class Comparison
{
    private sealed record Row(string Label, string? Ours, string Peer, string PeerMetric, bool LowerIsBetter);

    private static readonly Row[] Rows =
    [
        new("throughput, msg/s (first send → last received)", "messaging|throughput: |last read", "throughput", "msgs_per_s", false),
        new("throughput, msg/s (first send → last publish confirmed / 202)", "messaging|throughput: first send → last 202|", "throughput", "confirmed_msgs_per_s", false),
        new("latency @1,000 msg/s, p50 ms (send → received)", "messaging|latency at |", "latency", "p50_ms", true),
        new("latency, p99 ms", "messaging|latency: p99|", "latency", "p99_ms", true),
        new("latency, max ms", "messaging|latency: max|", "latency", "max_ms", true),
        new("latency, send → confirm/202 p99 ms", "messaging|latency: send → 202, p99|", "latency", "confirm_p99_ms", true),
        new("fan-out 1,000 × 50: all have all, ms", "messaging-fanout|fan-out: |all have all", "fanout", "all_done_ms", true),
        new("fan-out: deliveries/s", "messaging-fanout|fan-out: deliveries/s|", "fanout", "deliveries_per_s", false),
        new("fan-out: last recipient's receipt p99 ms", "messaging-fanout|fan-out: send → read by the last recipient, p99|", "fanout", "last_recv_p99_ms", true),
    ];

    private static readonly (string System, string Title)[] Peers =
        [("rabbitmq", "RabbitMQ classic"), ("nats", "NATS JetStream (no fsync)"), ("rabbitmq-quorum", "RabbitMQ quorum")];

    /// <param name="ours">One or more bench JSON files, comma-separated.</param>
    /// <param name="peers">PeerBench's summary.json; without it only ActorNet's column is printed.</param>
    public static int Print(string ours, string? peers)
    {
        var files = ours.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(file => JsonDocument.Parse(File.ReadAllText(file)).RootElement).ToList();
        var measurements = files
            .SelectMany(root => root.GetProperty("measurements").EnumerateArray())
            .Select(m => (Scenario: m.GetProperty("scenario").GetString()!, Metric: m.GetProperty("metric").GetString()!, Value: m.GetProperty("value").GetDouble()))
            .ToList();
        var peerMedians = peers is null ? [] : ReadPeers(peers);
        var nodeForms = files
            .Where(root => root.TryGetProperty("machine", out var m) && m.TryGetProperty("nodeForm", out _))
            .Select(root => root.GetProperty("machine").GetProperty("nodeForm").GetString())
            .Distinct()
            .ToList();

        double? Ours(string? key)
        {
            if (key is null)
                return null;
            var parts = key.Split('|');
            var hits = measurements.Where(m => m.Scenario == parts[0] && m.Metric.StartsWith(parts[1], StringComparison.Ordinal) && m.Metric.Contains(parts[2], StringComparison.Ordinal)).ToList();
            return hits.Count == 0 ? null : hits[^1].Value;
        }
        double? Peer(string system, Row row) => peerMedians.GetValueOrDefault((system, row.Peer, row.PeerMetric));

        var s = new StringBuilder();
        s.AppendLine($"| metric | ActorNet (sealed, signed, TLS, SQLite both ends) | {string.Join(" | ", Peers.Select(p => p.Title))} |");
        s.AppendLine($"| --- | ---: |{string.Concat(Peers.Select(_ => " ---: |"))}");
        foreach (var row in Rows)
            s.AppendLine($"| {row.Label} | {Cell(Ours(row.Ours))} | {string.Join(" | ", Peers.Select(p => Cell(Peer(p.System, row))))} |");

        s.AppendLine();
        s.AppendLine($"ActorNet's nodes: {(nodeForms.Count == 0 ? "form not recorded" : string.Join("; ", nodeForms))}.");

        var raw1k = measurements.Where(m => m.Scenario == "pingpong" && m.Metric.StartsWith("(a) byte[] 1 KiB", StringComparison.Ordinal)).Select(m => m.Value).DefaultIfEmpty(double.NaN).Max();
        var rawProbe = measurements.Where(m => m.Scenario == "pingpong" && m.Metric.StartsWith("(b) Probe", StringComparison.Ordinal)).Select(m => m.Value).DefaultIfEmpty(double.NaN).Max();
        s.AppendLine();
        s.AppendLine($"Raw Akka.Remote baseline (pingpong: two processes, plain TCP, no persistence, no sealing; best client count): " +
                     $"1 KiB byte[] {Cell(raw1k)} round trips/s, ActorNet wire format {Cell(rawProbe)} round trips/s.");

        var rabbitRow = (Func<string, double?>)(metric => peerMedians.GetValueOrDefault(("rabbitmq", metric.Split('/')[0], metric.Split('/')[1])));
        s.AppendLine();
        s.AppendLine("Goals (issue 3, \"Speed\"):");
        s.AppendLine(Goal("throughput ≥ RabbitMQ classic", Ours(Rows[0].Ours), rabbitRow("throughput/msgs_per_s"), (o, r) => o >= r));
        s.AppendLine(Goal("latency p99 < 10 ms", Ours(Rows[3].Ours), 10, (o, r) => o < r));
        s.AppendLine(Goal("fan-out sooner than RabbitMQ classic", Ours(Rows[6].Ours), rabbitRow("fanout/all_done_ms"), (o, r) => o < r));
        Console.WriteLine(s.ToString());
        return 0;
    }

    private static string Goal(string name, double? ours, double? bar, Func<double, double, bool> met) =>
        ours is null || bar is null || double.IsNaN(ours.Value)
            ? $"- {name}: not measured (ours {Cell(ours)}, bar {Cell(bar)})"
            : $"- {name}: {(met(ours.Value, bar.Value) ? "MET" : "NOT MET")} (ours {Cell(ours)}, bar {Cell(bar)})";

    private static string Cell(double? value) => value is { } v && !double.IsNaN(v) ? Report.Format(v) : "–";

    private static Dictionary<(string System, string Scenario, string Metric), double?> ReadPeers(string file)
    {
        var result = new Dictionary<(string, string, string), double?>();
        foreach (var entry in JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("summary").EnumerateArray())
        {
            var system = entry.GetProperty("system").GetString()!;
            var scenario = entry.GetProperty("scenario").GetString()!;
            foreach (var metric in entry.GetProperty("metrics").EnumerateObject())
                if (metric.Value.TryGetProperty("median", out var median) && median.ValueKind == JsonValueKind.Number)
                    result[(system, scenario, metric.Name)] = median.GetDouble();
        }
        return result;
    }
}
