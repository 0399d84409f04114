using ActorNet.Bench.Infrastructure;

namespace ActorNet.Bench.Startup;

/// <summary>
/// A node's start: process start to the first 200 from /health/ready, five times on a fresh data directory and once
/// on the data directory of the run before; then its resident memory after 10 s idle.
/// </summary>
public static class StartupScenario
{
    public const int FreshRuns = 5;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan ReadyBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(10);

    private sealed record Run(string Kind, double? HttpUp, double? Ready, double? IdleRssMiB, double? LighthouseRssMiB, Dictionary<string, double>? Phases = null, double? CpuAtReady = null, double? IdlePssMiB = null);

    public static async Task RunAsync(Report report, Binaries binaries, string work)
    {
        var runs = new List<Run>();
        string? lastData = null;
        for (var i = 1; i <= FreshRuns + 1; i++)
        {
            var restart = i > FreshRuns;
            var data = restart ? lastData! : Path.Combine(work, $"startup-{i}", "FR");
            var run = await OneRunAsync(binaries, work, i, data, restart ? "restart" : "fresh");
            runs.Add(run);
            lastData = data;
            Console.Error.WriteLine($"    run {i} ({run.Kind}): HTTP up {S(run.HttpUp)}, ready {S(run.Ready)}, CPU {run.CpuAtReady:0.00} s, idle RSS {run.IdleRssMiB:0.0} MiB (load {Machine.LoadAverage()})");
        }
        report.Details["startupRuns"] = runs;

        var fresh = runs.Where(r => r.Kind == "fresh").ToList();
        if (fresh.Any(r => r.Ready is null))
            report.Note($"startup: {fresh.Count(r => r.Ready is null)} of {FreshRuns} fresh runs were not ready within {ReadyBound.TotalSeconds:0} s");
        var ready = fresh.Where(r => r.Ready is not null).Select(r => r.Ready!.Value).ToList();
        if (ready.Count > 0)
        {
            report.Add(new("startup", $"start → ready, fresh data dir (min of {ready.Count})", ready.Min(), "s"));
            report.Add(new("startup", $"start → ready, fresh data dir (median of {ready.Count})", Stats.Median(ready), "s", "< 5 s", Stats.Median(ready) < 5));
            report.Add(new("startup", $"start → ready, fresh data dir (max of {ready.Count})", ready.Max(), "s", "< 5 s", ready.Max() < 5 && ready.Count == FreshRuns));
            AddBreakdown(report, "HTTP listening (/health/live 200)", fresh.Select(r => r.HttpUp));
            var cpu = fresh.Where(r => r.CpuAtReady is not null).Select(r => r.CpuAtReady!.Value).ToList();
            if (cpu.Count > 0)
                report.Add(new("startup", "node CPU time (user+sys) used by ready (median)", Stats.Median(cpu), "s"));
            foreach (var (phase, _) in StartupPhases.Milestones)
                AddBreakdown(report, $"{phase} (from the node's log)", fresh.Select(r => r.Phases?.GetValueOrDefault(phase)));
        }
        var again = runs.Single(r => r.Kind == "restart");
        if (again.Ready is { } restartReady)
            report.Add(new("startup", "start → ready, restart on existing data dir", restartReady, "s", "< 5 s", restartReady < 5));
        else
            report.Note($"startup: the restart on an existing data dir was not ready within {ReadyBound.TotalSeconds:0} s");

        var rss = runs.Where(r => r.IdleRssMiB is not null).Select(r => r.IdleRssMiB!.Value).ToList();
        if (rss.Count > 0)
        {
            report.Add(new("startup", $"node VmRSS after 10 s idle (median of {rss.Count})", Stats.Median(rss), "MiB", "< 150 MB", Stats.Median(rss) * 1.048576 < 150));
            report.Add(new("startup", $"node VmRSS after 10 s idle (max of {rss.Count})", rss.Max(), "MiB", "< 150 MB", rss.Max() * 1.048576 < 150));
        }
        var pss = runs.Where(r => r.IdlePssMiB is not null).Select(r => r.IdlePssMiB!.Value).ToList();
        if (pss.Count > 0)
            report.Add(new("startup", $"node PSS after 10 s idle (median of {pss.Count})", Stats.Median(pss), "MiB"));
        var lighthouseRss = runs.Where(r => r.LighthouseRssMiB is not null).Select(r => r.LighthouseRssMiB!.Value).ToList();
        if (lighthouseRss.Count > 0)
            report.Add(new("startup", "Lighthouse VmRSS with one node (median)", Stats.Median(lighthouseRss), "MiB"));
    }

    private static void AddBreakdown(Report report, string what, IEnumerable<double?> values)
    {
        var list = values.Where(v => v is > 0).Select(v => v!.Value).ToList();
        if (list.Count > 0)
            report.Add(new("startup", $"start → {what} (median)", Stats.Median(list), "s"));
    }

    /// <summary>A fresh Lighthouse for every run, so a node that left (or failed to leave) before never sits in the next run's cluster.</summary>
    private static async Task<Run> OneRunAsync(Binaries binaries, string work, int index, string data, string kind)
    {
        var (lighthouse, seedPort) = await ActorNetProcesses.StartLighthouseAsync(binaries, work, $"startup-{index}-lighthouse");
        ChildProcess? node = null;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(data)!);
            var http = Net.FreePort();
            var baseUrl = $"http://{Net.Loopback}:{http}";
            node = ActorNetProcesses.StartNode(binaries, "FR", seedPort, http, data, Path.Combine(work, $"startup-{index}-FR.log"));

            var watchLive = ActorNetProcesses.WaitFor200Async(node, baseUrl + "/health/live", Poll, ReadyBound);
            var ready = await ActorNetProcesses.WaitFor200Async(node, baseUrl + "/health/ready", Poll, ReadyBound);
            var httpUp = await watchLive;
            if (ready is null)
            {
                Console.Error.WriteLine($"    run {index}: not ready; node log tail:\n{node.Tail()}");
                return new Run(kind, httpUp, null, null, null);
            }

            var cpu = node.CpuSeconds();
            var phases = StartupPhases.Read(node);
            await Task.Delay(Idle);
            return new Run(kind, httpUp, ready, node.ResidentMiB(), lighthouse.ResidentMiB(), phases, cpu, node.ProportionalMiB());
        }
        finally
        {
            if (node is not null)
            {
                await node.StopAsync(TimeSpan.FromSeconds(10));
                node.Dispose();
            }
            lighthouse.Dispose();
        }
    }

    private static string S(double? seconds) => seconds is { } s ? $"{s:0.00} s" : "—";
}
