using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ActorNet.Bench.Infrastructure;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Notices.Search;

namespace ActorNet.Bench.NoticeSearch;

/// <summary>
/// <c>GET /api/notices?q=</c> over HTTP against a real US node whose copies hold 100,000 published notices (Lighthouse, GS,
/// US; plain TCP, SQLite). The notices are sealed by GS's keys and persisted into US's journal while US is stopped
/// (<see cref="NoticeCopiesSeed"/>); US then starts, recovers them and indexes them again. Measured: recovery until every
/// notice is searchable, US's memory, and the latency of the in-process scenario's query mix, one client then four.
/// </summary>
public static class NoticeSearchHttpScenario
{
    private const string Name = "noticesearch-http";
    private const double GoalMs = 50;
    private const int PageSize = 20;
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Searchable = TimeSpan.FromMinutes(5);
    private static readonly BureauCode US = new("US");

    public static async Task RunAsync(Report report, Binaries binaries, string work, int notices = 100_000, int queries = 3_000)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var dir = Path.Combine(work, Name);
        var (lighthouse, seed) = await ActorNetProcesses.StartLighthouseAsync(binaries, work, Name + "-lighthouse");
        var ports = new Dictionary<string, int> { ["GS"] = Net.FreePort(), ["US"] = Net.FreePort() };
        ChildProcess Start(string bureau) => ActorNetProcesses.StartNode(binaries, bureau, seed, ports[bureau], Path.Combine(dir, bureau),
            Path.Combine(work, $"{Name}-{bureau}-{DateTime.UtcNow:HHmmss}.log"), token);
        var processes = new List<ChildProcess> { lighthouse };
        try
        {
            var gs = Start("GS");
            var us = Start("US");
            processes.AddRange([gs, us]);
            foreach (var (node, bureau) in new[] { (gs, "GS"), (us, "US") })
                if (await ActorNetProcesses.WaitFor200Async(node, Url(ports[bureau], "/health/ready"), TimeSpan.FromMilliseconds(200), Ready) is null)
                    throw new TimeoutException($"{bureau} not ready within {Ready.TotalSeconds:0} s:\n{node.Tail()}");
            using (var first = Client(token, ports["US"]))
                await Until(async () => (await first.GetFromJsonAsync<List<BureauInfo>>("/api/bureaus", Web))!.Any(b => b.Code == "GS" && b.Fingerprint is not null),
                    Ready, "US to hold GS's keys");
            await us.StopAsync(TimeSpan.FromSeconds(30));

            var synthetic = new SyntheticNotices(seed: 20261128);
            var entries = Enumerable.Range(1, notices).Select(synthetic.Next).ToList();
            var seeding = Stopwatch.StartNew();
            var ids = await NoticeCopiesSeed.SeedAsync(entries, Path.Combine(dir, "GS"), US, Path.Combine(dir, "US"));
            report.Note($"{Name}: {notices:N0} publish documents sealed by GS's keys and persisted into US's journal in {seeding.Elapsed.TotalSeconds:0} s (not part of the measure)");

            var back = Start("US");
            processes.Add(back);
            var started = Stopwatch.StartNew();
            if (await ActorNetProcesses.WaitFor200Async(back, Url(ports["US"], "/health/ready"), TimeSpan.FromMilliseconds(200), Ready) is null)
                throw new TimeoutException($"US not ready again within {Ready.TotalSeconds:0} s:\n{back.Tail()}");
            var ready = started.Elapsed.TotalSeconds;
            using var http = Client(token, ports["US"]);
            // The last notice recovered is the last one opened again: once it is found by name, every one is.
            var last = entries[^1];
            var probe = $"/api/notices?q={Uri.EscapeDataString($"{last.Names[0].Forename} {last.Names[0].Name}")}&nationality={last.Nationalities[0]}"
                + (last.DateOfBirth is { } born ? $"&dateOfBirth={born}" : "") + "&limit=1000";
            await Until(async () =>
            {
                using var response = await http.GetAsync(probe);
                return response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<List<NoticeSummaryInfo>>(Web))!.Any(n => n.Id == ids[^1].Value);
            }, Searchable, $"all {notices:N0} notices searchable at US", () => back.Tail(5));
            var searchable = started.Elapsed.TotalSeconds;
            report.Add(new(Name, $"US start → ready, {notices:N0} notice copies in its journal", ready, "s"));
            report.Add(new(Name, $"US start → all {notices:N0} searchable by name", searchable, "s", Detail: "recovery, then opening every copy again in the background"));
            report.Add(new(Name, $"US VmRSS, {notices:N0} notices searchable", back.ResidentMiB() ?? 0, "MiB", Detail: $"PSS {back.ProportionalMiB() ?? 0:0} MiB"));

            var workload = Enumerable.Range(0, queries + 300).Select(_ => synthetic.NextQuery(entries)).ToList();
            foreach (var (_, query) in workload.Take(300))
                await TimedAsync(http, query);
            workload = workload.Skip(300).ToList();

            var cpuBefore = back.CpuSeconds() ?? 0;
            var all = new List<double>(queries);
            var byKind = new Dictionary<string, List<double>>();
            var found = new Dictionary<string, int>();
            var run = Stopwatch.StartNew();
            foreach (var (kind, query) in workload)
            {
                var (ms, total) = await TimedAsync(http, query);
                all.Add(ms);
                (byKind.TryGetValue(kind, out var list) ? list : byKind[kind] = []).Add(ms);
                found[kind] = found.GetValueOrDefault(kind) + (total > 0 ? 1 : 0);
            }
            var cpu = (back.CpuSeconds() ?? 0) - cpuBefore;
            var p99 = Percentile(all, 0.99);
            report.Add(new(Name, $"GET /api/notices?q= p50, one client, {queries:N0} mixed queries", Percentile(all, 0.5), "ms"));
            report.Add(new(Name, $"GET /api/notices?q= p99, one client, {queries:N0} mixed queries", p99, "ms", $"< {GoalMs} ms", p99 < GoalMs,
                Detail: $"max {Report.Format(all.Max())} ms; {queries / run.Elapsed.TotalSeconds:0} requests/s; US CPU {cpu * 1000 / queries:0.00} ms a request"));
            foreach (var (kind, times) in byKind.OrderBy(k => k.Key))
                report.Note($"{Name} {kind}: {times.Count} requests, p50 {Report.Format(Percentile(times, 0.5))} ms, p99 {Report.Format(Percentile(times, 0.99))} ms, "
                    + $"max {Report.Format(times.Max())} ms, {found[kind] * 100.0 / times.Count:0}% found something");

            // Four clients at once: the copies actor answers one search at a time.
            const int clients = 4;
            var concurrent = new List<double>(queries);
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                for (var i = Interlocked.Increment(ref next); i < workload.Count; i = Interlocked.Increment(ref next))
                {
                    var (ms, _) = await TimedAsync(http, workload[i].Query);
                    lock (concurrent)
                        concurrent.Add(ms);
                }
            })));
            var p99Concurrent = Percentile(concurrent, 0.99);
            report.Add(new(Name, $"GET /api/notices?q= p99, {clients} clients", p99Concurrent, "ms", $"< {GoalMs} ms", p99Concurrent < GoalMs,
                Detail: $"p50 {Report.Format(Percentile(concurrent, 0.5))} ms, max {Report.Format(concurrent.Max())} ms"));
            report.Add(new(Name, "US VmRSS after the queries", back.ResidentMiB() ?? 0, "MiB"));
            report.Details[Name] = new
            {
                notices, queries, ready, searchable, p50 = Percentile(all, 0.5), p99, max = all.Max(), p99Concurrent, cpuMsPerRequest = cpu * 1000 / queries,
                kinds = byKind.ToDictionary(k => k.Key, k => new { count = k.Value.Count, p50 = Percentile(k.Value, 0.5), p99 = Percentile(k.Value, 0.99) }),
            };
        }
        finally
        {
            foreach (var process in processes)
                process.Dispose();
        }
    }

    /// <summary>The query as the API takes it: the words, type, state, nationality, sex, a page of 20 (ages have no API parameter: left out).</summary>
    private static string PathOf(NoticeSearchQuery query)
    {
        var parameters = new List<string> { $"limit={PageSize}", $"page={query.Page}" };
        void Add(string name, string? value)
        {
            if (value is not null)
                parameters.Add($"{name}={Uri.EscapeDataString(value)}");
        }
        Add("q", query.Text);
        Add("type", query.Type);
        Add("state", query.State);
        Add("nationality", query.Nationality);
        Add("sex", query.Sex);
        return "/api/notices?" + string.Join('&', parameters);
    }

    private static async Task<(double Ms, int Total)> TimedAsync(HttpClient http, NoticeSearchQuery query)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync(PathOf(query));
        var body = await response.Content.ReadAsByteArrayAsync();
        watch.Stop();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {PathOf(query)}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        var total = response.Headers.TryGetValues("X-Total-Count", out var values) ? int.Parse(values.First(), CultureInfo.InvariantCulture) : 0;
        return (watch.Elapsed.TotalMilliseconds, total);
    }

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static string Url(int port, string path) => $"http://{Net.Loopback}:{port}{path}";

    private static HttpClient Client(string token, int port)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url(port, "")), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task Until(Func<Task<bool>> condition, TimeSpan bound, string what, Func<string>? diagnostics = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            try
            {
                if (await condition())
                    return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"waited {bound.TotalSeconds:0} s for {what}{(diagnostics is null ? "" : ":\n" + diagnostics())}");
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
