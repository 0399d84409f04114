using System.Diagnostics;
using ActorNet.Bench.Infrastructure;
using ActorNet.Protocol.Notices.Search;

namespace ActorNet.Bench.NoticeSearch;

/// <summary>
/// The notice search index on its own, in this process: 100,000 synthetic notices indexed, then 10,000 queries of
/// mixed kinds (full names, other spellings and scripts, one common forename, prefixes, names with filters, unknown
/// names, filters only), one at a time, while nothing else runs. Issue 4's goal is GET /api/notices?q= p99 under 50 ms
/// with 100,000 notices; this measures the index's share of it.
/// </summary>
public static class NoticeSearchScenario
{
    private const string Scenario = "noticesearch";
    private const double GoalMs = 50;

    public static void Run(Report report, int notices = 100_000, int queries = 10_000)
    {
        var synthetic = new SyntheticNotices(seed: 20261128);
        var entries = Enumerable.Range(1, notices).Select(synthetic.Next).ToList();

        var memoryBefore = HeapAfterFullCollection();
        using var index = new NoticeSearchIndex();
        var build = Stopwatch.StartNew();
        foreach (var entry in entries)
            index.Upsert(entry);
        build.Stop();
        var memoryAfter = HeapAfterFullCollection();
        report.Add(new(Scenario, $"index {notices:N0} notices ({entries.Sum(e => e.Names.Count):N0} names), one writer", build.Elapsed.TotalSeconds, "s"));
        report.Add(new(Scenario, "managed heap held by the index", (memoryAfter - memoryBefore) / 1024.0 / 1024.0, "MiB"));

        var workload = Enumerable.Range(0, queries).Select(_ => synthetic.NextQuery(entries)).ToList();
        // Warm-up: JIT and tiering, as a node would be after its first requests.
        foreach (var (_, query) in workload.Take(500))
            index.Search(query);

        var all = new List<double>(queries);
        var byKind = new Dictionary<string, List<double>>();
        var found = new Dictionary<string, int>();
        foreach (var (kind, query) in workload)
        {
            var watch = Stopwatch.StartNew();
            var result = index.Search(query);
            watch.Stop();
            var ms = watch.Elapsed.TotalMilliseconds;
            all.Add(ms);
            (byKind.TryGetValue(kind, out var list) ? list : byKind[kind] = []).Add(ms);
            found[kind] = found.GetValueOrDefault(kind) + (result.Total > 0 ? 1 : 0);
        }

        var p99 = Percentile(all, 0.99);
        report.Add(new(Scenario, $"query p50, {queries:N0} mixed queries", Percentile(all, 0.50), "ms"));
        report.Add(new(Scenario, $"query p99, {queries:N0} mixed queries", p99, "ms", $"< {GoalMs} ms (whole GET /api/notices?q=)", p99 < GoalMs));
        report.Add(new(Scenario, "query max", all.Max(), "ms"));
        foreach (var (kind, times) in byKind.OrderBy(k => k.Key))
            report.Note($"{kind}: {times.Count} queries, p50 {Report.Format(Percentile(times, 0.5))} ms, p99 {Report.Format(Percentile(times, 0.99))} ms, "
                + $"max {Report.Format(times.Max())} ms, {found[kind] * 100.0 / times.Count:0}% found something");
        report.Details[Scenario] = byKind.ToDictionary(k => k.Key, k => new
        {
            count = k.Value.Count,
            p50 = Percentile(k.Value, 0.5),
            p99 = Percentile(k.Value, 0.99),
            max = k.Value.Max(),
            foundShare = found[k.Key] / (double)k.Value.Count,
        });
    }

    private static long HeapAfterFullCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
