using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ActorNet.Bench.Infrastructure;
using ActorNet.Protocol.Api;

namespace ActorNet.Bench.Cluster;

/// <summary>
/// A Lighthouse, a GS node and ten bureau nodes launched at once; the time until GS lists twelve members all Up,
/// then every process's resident memory after 10 s idle.
/// </summary>
public static class Cluster12Scenario
{
    public static readonly string[] Bureaus = ["FR", "US", "DE", "ES", "IT", "GB", "NL", "BE", "PT", "CH"];
    public const int Members = 12;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(Report report, Binaries binaries, string work)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var seedPort = Net.FreePort();
        var gsHttp = Net.FreePort();
        var processes = new List<ChildProcess>();
        try
        {
            var launch = Stopwatch.GetTimestamp();
            processes.Add(ActorNetProcesses.StartLighthouse(binaries, work, "cluster12-lighthouse", seedPort));
            processes.Add(ActorNetProcesses.StartNode(binaries, "GS", seedPort, gsHttp, Path.Combine(work, "cluster12", "GS"), Path.Combine(work, "cluster12-GS.log"), token));
            foreach (var bureau in Bureaus)
                processes.Add(ActorNetProcesses.StartNode(binaries, bureau, seedPort, Net.FreePort(), Path.Combine(work, "cluster12", bureau),
                    Path.Combine(work, $"cluster12-{bureau}.log"), token));
            var launched = Net.SecondsSince(launch);

            using var request = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            request.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
            var firstUpCount = new SortedDictionary<int, double>();
            double? allUp = null;
            var until = launch + (long)(Bound.TotalSeconds * Stopwatch.Frequency);
            var lastSeen = "no answer";
            while (Stopwatch.GetTimestamp() < until)
            {
                try
                {
                    var members = await request.GetFromJsonAsync<List<MemberInfo>>($"http://{Net.Loopback}:{gsHttp}/api/cluster/members", web) ?? [];
                    var up = members.Count(m => m.Status == "Up");
                    firstUpCount.TryAdd(up, Math.Round(Net.SecondsSince(launch), 2));
                    lastSeen = $"{members.Count} members, {up} Up";
                    if (members.Count == Members && up == Members)
                    {
                        allUp = Net.SecondsSince(launch);
                        break;
                    }
                }
                catch (HttpRequestException e) { lastSeen = e.StatusCode is { } code ? $"HTTP {(int)code}" : "no answer"; }
                catch (TaskCanceledException) { }
                if (processes.FirstOrDefault(p => p.HasExited) is { } dead)
                    throw new InvalidOperationException($"{dead.Name} exited during cluster12:\n{dead.Tail()}");
                await Task.Delay(Poll);
            }
            report.Details["cluster12FirstSeenUpCounts"] = firstUpCount.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value);
            Console.Error.WriteLine($"    launched 12 processes in {launched:0.00} s; Up counts first seen at: {string.Join(", ", firstUpCount.Select(kv => $"{kv.Key}@{kv.Value}s"))} (load {Machine.LoadAverage()})");

            if (allUp is null)
            {
                report.Add(new("cluster12", "launch → 12 members Up (as GS sees them)", Bound.TotalSeconds, "s", "< 20 s", false, $"not reached within {Bound.TotalSeconds:0} s; last: {lastSeen}"));
                report.Note($"cluster12: not all Up within {Bound.TotalSeconds:0} s (last answer: {lastSeen})");
                return;
            }
            var cpu = processes.Select(p => p.CpuSeconds() ?? 0).Sum();
            report.Add(new("cluster12", "launch → 12 members Up (as GS sees them)", allUp.Value, "s", "< 20 s", allUp < 20));
            report.Add(new("cluster12", "CPU time (user+sys) of all 12 processes by then", cpu, "s",
                Detail: "2 cores give at most 2 CPU-seconds per second: this over 2 is the floor for the wall time"));
            if (firstUpCount.Count > 0)
                report.Add(new("cluster12", "launch → GS first answers /api/cluster/members", firstUpCount.First().Value, "s"));

            await Task.Delay(Idle);
            var rss = new Dictionary<string, double>();
            foreach (var process in processes)
                if (process.ResidentMiB() is { } mib)
                    rss[process.Name] = Math.Round(mib, 1);
            report.Details["cluster12RssMiB"] = rss;
            var pss = processes.Select(p => p.ProportionalMiB() ?? 0).Sum();
            foreach (var (name, mib) in rss)
                report.Add(new("cluster12", $"VmRSS after 10 s idle: {(name.Contains("lighthouse") ? "Lighthouse" : name)}", mib, "MiB",
                    name.Contains("lighthouse") ? null : "< 150 MB", name.Contains("lighthouse") ? null : mib * 1.048576 < 150));
            var nodes = rss.Where(kv => !kv.Key.Contains("lighthouse")).Select(kv => kv.Value).ToList();
            report.Add(new("cluster12", "VmRSS after 10 s idle, all 11 nodes (median)", Stats.Median(nodes), "MiB"));
            report.Add(new("cluster12", "VmRSS after 10 s idle, all 12 processes (sum)", rss.Values.Sum(), "MiB"));
            report.Add(new("cluster12", "PSS after 10 s idle, all 12 processes (sum: what the machine really holds)", pss, "MiB"));
        }
        finally
        {
            foreach (var process in processes)
                process.Dispose();
        }
    }
}
