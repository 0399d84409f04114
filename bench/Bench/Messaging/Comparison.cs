using System.Text;
using System.Text.Json;
using ActorNet.Bench.Infrastructure;

namespace ActorNet.Bench.Messaging;

/// <summary>
/// The side-by-side table: ActorNet's messaging scenarios and the raw Akka.Remote ping-pong (bench JSON files) next to
/// PeerBench's RabbitMQ and NATS JetStream figures (its summary.json, medians over its runs), with issue 3's goals judged.
/// </summary>
/// <remarks>
/// Several messaging files are rounds of one comparison (bench/compare.sh runs ours and the peers' in turn, round after
/// round): each of our figures is then the median of the rounds, as PeerBench's are of its runs, and each round is judged
/// on its own as well, against the RabbitMQ run that followed it. The machine's speed drifts within minutes, so a single
/// pair says as much about the minute it ran in as about the two systems.
/// </remarks>
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

    private static readonly Row Throughput = Rows[0], P99 = Rows[3], Fanout = Rows[6];

    private static readonly (string System, string Title)[] Peers =
        [("rabbitmq", "RabbitMQ classic"), ("nats", "NATS JetStream (no fsync)"), ("rabbitmq-quorum", "RabbitMQ quorum")];

    private sealed record Measurement(string Scenario, string Metric, double Value);

    /// <summary>Figures over one or more runs: the median, and the range when there were several.</summary>
    private sealed record Spread(double Median, double Min, double Max, int N)
    {
        public static Spread? Of(IReadOnlyCollection<double> values)
        {
            if (values.Count == 0)
                return null;
            var sorted = values.Order().ToArray();
            var middle = sorted.Length / 2;
            var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
            return new Spread(median, sorted[0], sorted[^1], sorted.Length);
        }

        public override string ToString() => N > 1 ? $"{Report.Format(Median)} [{Report.Format(Min)}–{Report.Format(Max)}]" : Report.Format(Median);
    }

    /// <param name="ours">One or more bench JSON files, comma-separated; each file with messaging figures is a round.</param>
    /// <param name="peers">PeerBench's summary.json; without it only ActorNet's column is printed.</param>
    /// <param name="peerRuns">PeerBench's run files, comma-separated, round by round in the order of our messaging files: each round is judged too.</param>
    public static int Print(string ours, string? peers, string? peerRuns = null)
    {
        var ourFiles = ours.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var peerRunFiles = peerRuns?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var missing = ourFiles.Concat(peers is null ? [] : [peers]).Concat(peerRunFiles).Where(file => !File.Exists(file)).ToList();
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"compare: no such file: {string.Join(", ", missing)} (did the run that writes it fail? its log is above)");
            return 2;
        }
        var files = ourFiles.Select(file => JsonDocument.Parse(File.ReadAllText(file)).RootElement).ToList();
        var perFile = files.Select(root => root.GetProperty("measurements").EnumerateArray()
            .Select(m => new Measurement(m.GetProperty("scenario").GetString()!, m.GetProperty("metric").GetString()!, m.GetProperty("value").GetDouble()))
            .ToList()).ToList();
        var measurements = perFile.SelectMany(m => m).ToList();
        var peerSpreads = peers is null ? [] : ReadPeers(peers);
        var nodeForms = files
            .Where(root => root.TryGetProperty("machine", out var m) && m.TryGetProperty("nodeForm", out _))
            .Select(root => root.GetProperty("machine").GetProperty("nodeForm").GetString())
            .Distinct()
            .ToList();

        // A file's figure for a row: the last it holds (a file holds each once).
        static double? InFile(IReadOnlyList<Measurement> file, string? key)
        {
            if (key is null)
                return null;
            var parts = key.Split('|');
            var hits = file.Where(m => m.Scenario == parts[0] && m.Metric.StartsWith(parts[1], StringComparison.Ordinal) && m.Metric.Contains(parts[2], StringComparison.Ordinal)).ToList();
            return hits.Count == 0 ? null : hits[^1].Value;
        }
        Spread? Ours(Row row) => Spread.Of(perFile.Select(file => InFile(file, row.Ours)).OfType<double>().ToList());
        Spread? Peer(string system, Row row) => peerSpreads.GetValueOrDefault((system, row.Peer, row.PeerMetric));

        var ourRounds = perFile.Where(file => file.Any(m => m.Scenario.StartsWith("messaging", StringComparison.Ordinal))).ToList();
        var ourRoundFiles = files.Where((_, i) => perFile[i].Any(m => m.Scenario.StartsWith("messaging", StringComparison.Ordinal))).ToList();
        var rounds = ourRounds.Count;
        var s = new StringBuilder();
        if (rounds > 1)
            s.AppendLine($"Each figure is the median of {rounds} rounds [lowest–highest] for ActorNet, and of PeerBench's runs for the peers.").AppendLine();
        s.AppendLine($"| metric | ActorNet (sealed, signed, TLS, SQLite both ends) | {string.Join(" | ", Peers.Select(p => p.Title))} |");
        s.AppendLine($"| --- | ---: |{string.Concat(Peers.Select(_ => " ---: |"))}");
        foreach (var row in Rows)
            s.AppendLine($"| {row.Label} | {Cell(Ours(row))} | {string.Join(" | ", Peers.Select(p => Cell(Peer(p.System, row))))} |");

        s.AppendLine();
        s.AppendLine($"ActorNet's nodes: {(nodeForms.Count == 0 ? "form not recorded" : string.Join("; ", nodeForms))}.");
        var latencyClients = files
            .Where(root => root.TryGetProperty("details", out var d) && d.TryGetProperty("messagingLatencyClient", out _))
            .Select(root => root.GetProperty("details").GetProperty("messagingLatencyClient").GetString())
            .Distinct()
            .ToList();
        if (latencyClients.Count > 0) // paced alike either way: .NET's millisecond timer, as PeerBench's
            s.AppendLine($"The latency run's client: {string.Join("; ", latencyClients)}.");

        var raw1k = measurements.Where(m => m.Scenario == "pingpong" && m.Metric.StartsWith("(a) byte[] 1 KiB", StringComparison.Ordinal)).Select(m => m.Value).DefaultIfEmpty(double.NaN).Max();
        var rawProbe = measurements.Where(m => m.Scenario == "pingpong" && m.Metric.StartsWith("(b) Probe", StringComparison.Ordinal)).Select(m => m.Value).DefaultIfEmpty(double.NaN).Max();
        s.AppendLine();
        s.AppendLine($"Raw Akka.Remote baseline (pingpong: two processes, plain TCP, no persistence, no sealing; best client count): " +
                     $"1 KiB byte[] {Cell(raw1k)} round trips/s, ActorNet wire format {Cell(rawProbe)} round trips/s.");

        s.AppendLine();
        s.AppendLine(rounds > 1 ? "Goals (issue 3, \"Speed\"), on the medians:" : "Goals (issue 3, \"Speed\"):");
        s.AppendLine(Goal("throughput ≥ RabbitMQ classic", Ours(Throughput)?.Median, Peer("rabbitmq", Throughput)?.Median, (o, r) => o >= r));
        s.AppendLine(Goal("latency p99 < 10 ms", Ours(P99)?.Median, 10, (o, r) => o < r));
        s.AppendLine(Goal("fan-out sooner than RabbitMQ classic", Ours(Fanout)?.Median, Peer("rabbitmq", Fanout)?.Median, (o, r) => o < r));

        if (peerRunFiles.Length > 0)
        {
            var runs = peerRunFiles.Select(ReadRabbitRun).ToList();
            s.AppendLine();
            s.AppendLine("Round by round (ActorNet, then RabbitMQ classic right after it):");
            s.AppendLine();
            s.AppendLine("| round | throughput, msg/s: ours / RabbitMQ classic | p99 ms (< 10) | fan-out ms: ours / RabbitMQ classic | goals met | machine speed before / after | kernel threads' CPU in the latency run, ms |");
            s.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
            for (var i = 0; i < Math.Min(runs.Count, ourRounds.Count); i++)
            {
                var (throughput, p99, fanout) = (InFile(ourRounds[i], Throughput.Ours), InFile(ourRounds[i], P99.Ours), InFile(ourRounds[i], Fanout.Ours));
                var (rabbitThroughput, rabbitFanout) = (runs[i].GetValueOrDefault(("throughput", "msgs_per_s")), runs[i].GetValueOrDefault(("fanout", "all_done_ms")));
                bool? Met(double? o, double? bar, Func<double, double, bool> met) => o is null || bar is null ? null : met(o.Value, bar.Value);
                var verdicts = new[] { Met(throughput, rabbitThroughput, (o, r) => o >= r), Met(p99, 10, (o, r) => o < r), Met(fanout, rabbitFanout, (o, r) => o < r) };
                s.AppendLine($"| {i + 1} | {Cell(throughput)} / {Cell(rabbitThroughput)} | {Cell(p99)} | {Cell(fanout)} / {Cell(rabbitFanout)} | " +
                             $"{verdicts.Count(v => v == true)} of {verdicts.Count(v => v is not null)} | {Cell(MachineSpeed(ourRoundFiles[i], "cpuSpeedBefore"))} / {Cell(MachineSpeed(ourRoundFiles[i], "cpuSpeedAfter"))} | {KernelCpu(ourRoundFiles[i])} |");
            }
            s.AppendLine();
            s.AppendLine($"Machine speed: {Machine.CpuSpeedUnit}, measured by each round's bench before and after it. Kernel threads: " +
                         "the CPU the kernel's own threads took during the 20 s latency run, the busiest named (DAMON's kdamond here takes a core " +
                         "for several milliseconds every ~530 ms under load, and the slow sends cluster on that cadence: docs/benchmarks.md, session 42). " +
                         "A round whose kdamond took a few tens of ms or less ran with the monitor barely working (as for minutes after it is " +
                         "switched on again): its p99 flatters ours (session 46).");
        }
        Console.WriteLine(s.ToString());
        return 0;
    }

    private static string Goal(string name, double? ours, double? bar, Func<double, double, bool> met) =>
        ours is null || bar is null || double.IsNaN(ours.Value)
            ? $"- {name}: not measured (ours {Cell(ours)}, bar {Cell(bar)})"
            : $"- {name}: {(met(ours.Value, bar.Value) ? "MET" : "NOT MET")} (ours {Cell(ours)}, bar {Cell(bar)})";

    /// <summary>A round's machine speed as its bench measured it (files from before it did have none).</summary>
    private static double? MachineSpeed(JsonElement round, string which) =>
        round.TryGetProperty("machine", out var machine) ? Number(machine, which) : null;

    /// <summary>What the kernel's threads took during a round's latency run, in ms, and the busiest ("–" in files from before it was kept).</summary>
    private static string KernelCpu(JsonElement round)
    {
        if (!round.TryGetProperty("details", out var details) || Number(details, "messagingLatencyKernelCpuTotalSeconds") is not { } total)
            return "–";
        var busiest = details.TryGetProperty("messagingLatencyKernelCpuSeconds", out var threads) && threads.ValueKind == JsonValueKind.Object
            ? threads.EnumerateObject().Where(t => t.Value.ValueKind == JsonValueKind.Number).MaxBy(t => t.Value.GetDouble())
            : default;
        var text = busiest.Name is null ? $"{total * 1000:0}" : $"{total * 1000:0} ({busiest.Name} {busiest.Value.GetDouble() * 1000:0})";
        // The monitor's own share where the run kept it (since session 46), also when another thread was busier.
        return Number(details, "messagingLatencyKdamondCpuSeconds") is { } monitor && !(busiest.Name is { } name && KernelThreads.IsMonitor(name))
            ? $"{text}; kdamond {monitor * 1000:0}"
            : text;
    }

    private static string Cell(double? value) => value is { } v && !double.IsNaN(v) ? Report.Format(v) : "–";

    private static string Cell(Spread? spread) => spread?.ToString() ?? "–";

    /// <summary>Every metric in a PeerBench file: its summary's <c>summary</c> entries or a run's <c>results</c>.</summary>
    private static IEnumerable<(string System, string Scenario, string Metric, JsonElement Value)> PeerMetrics(string file, string entries)
    {
        foreach (var entry in JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty(entries).EnumerateArray())
            foreach (var metric in entry.GetProperty("metrics").EnumerateObject())
                yield return (entry.GetProperty("system").GetString()!, entry.GetProperty("scenario").GetString()!, metric.Name, metric.Value);
    }

    private static Dictionary<(string System, string Scenario, string Metric), Spread?> ReadPeers(string file)
    {
        var result = new Dictionary<(string, string, string), Spread?>();
        foreach (var (system, scenario, metric, value) in PeerMetrics(file, "summary"))
            if (value.TryGetProperty("median", out var median) && median.ValueKind == JsonValueKind.Number)
                result[(system, scenario, metric)] = new Spread(median.GetDouble(),
                    Number(value, "min") ?? median.GetDouble(), Number(value, "max") ?? median.GetDouble(), (int)(Number(value, "n") ?? 1));
        return result;
    }

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    /// <summary>RabbitMQ classic's figures in one PeerBench run file (its "results").</summary>
    private static Dictionary<(string Scenario, string Metric), double?> ReadRabbitRun(string file) =>
        PeerMetrics(file, "results").Where(m => m.System == "rabbitmq" && m.Value.ValueKind == JsonValueKind.Number)
            .ToDictionary(m => (m.Scenario, m.Metric), m => (double?)m.Value.GetDouble());
}
