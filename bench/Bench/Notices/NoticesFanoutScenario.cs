using System.Diagnostics;
using System.Net.Http.Json;
using ActorNet.Bench.Infrastructure;
using ActorNet.Bench.Messaging;
using ActorNet.Protocol.Api;

namespace ActorNet.Bench.Notices;

/// <summary>
/// Issue 4's speed goal for notices: red notices requested at FR through the real API, approved at GS with the reviewer's
/// role, and timed until each is present, published, in every bureau's own copy (<c>GET /api/notices/{id}</c> on that
/// bureau's node). Every bureau is a real node process (TLS, SQLite each, sealing, outboxes, inboxes and copies as
/// deployed); nothing is simulated, so the number of bureaus is what the machine holds, not 195.
/// </summary>
public static class NoticesFanoutScenario
{
    public const string Requester = "FR";
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(600);
    private static readonly TimeSpan NoticeBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <param name="bureaus">Bureau nodes besides GS, the requester included (2 to 51).</param>
    /// <param name="notices">Red notices timed, after one that warms the path up.</param>
    public static async Task RunAsync(Report report, Binaries binaries, string work, int bureaus, int notices)
    {
        var others = MessagingScenario.FanoutBureaus[..Math.Clamp(bureaus - 1, 1, MessagingScenario.FanoutBureaus.Length)];
        var everyBureau = others.Prepend(Requester).ToArray();
        await using var network = await MessagingNetwork.StartAsync(binaries, Path.Combine(work, "notices"), Requester, others, StartBound);
        report.Add(new("notices-fanout", $"launch → GS and {everyBureau.Length} bureau nodes ready, keys known", network.StartedIn, "s",
            Detail: $"{everyBureau.Length + 2} real processes: Lighthouse, GS and {everyBureau.Length} bureau nodes (TLS, SQLite each); no simulated bureaus"));

        await OneAsync(network, everyBureau, 0); // warm-up: first seal, first delivery to each node, JIT
        var runs = new List<Published>();
        for (var i = 1; i <= notices; i++)
        {
            var run = await OneAsync(network, everyBureau, i);
            runs.Add(run);
            Console.Error.WriteLine($"    notice {i}: at GS {run.AtGs * 1000:0} ms, approved {run.Approved * 1000:0} ms, in every copy {run.Present.Max() * 1000:0} ms after the request (load {Machine.LoadAverage()})");
        }
        report.Details["noticesFanoutRuns"] = runs;

        var fromApproval = runs.SelectMany(r => r.Present.Select(p => (p - r.ApproveSent) * 1000)).ToList();
        var fromRequest = runs.SelectMany(r => r.Present.Select(p => p * 1000)).ToList();
        var everyCopy = runs.Select(r => (r.Present.Max() - r.ApproveSent) * 1000).ToList();
        var n = $"{runs.Count} notices × {everyBureau.Length} bureaus";
        report.Add(new("notices-fanout", $"approval sent → published in a bureau's copy, p50 ({n})", Stats.Percentile(fromApproval, 0.50), "ms"));
        var p99 = Stats.Percentile(fromApproval, 0.99);
        report.Add(new("notices-fanout", "approval sent → published in a bureau's copy, p99", p99, "ms", "< 2 s (195 bureaus)",
            everyBureau.Length >= 195 ? p99 < 2000 : null, Detail: $"{everyBureau.Length} bureaus: the goal's 195 is not what this run had"));
        report.Add(new("notices-fanout", "approval sent → published in every bureau's copy, median over notices", Stats.Median(everyCopy), "ms"));
        report.Add(new("notices-fanout", "request at FR → published in a bureau's copy, p50", Stats.Percentile(fromRequest, 0.50), "ms"));
        report.Add(new("notices-fanout", "request at FR → published in a bureau's copy, p99", Stats.Percentile(fromRequest, 0.99), "ms"));
        report.Add(new("notices-fanout", "request at FR → held at GS, median", Stats.Median(runs.Select(r => r.AtGs * 1000).ToList()), "ms"));
        report.Add(new("notices-fanout", "approval sent → GS answered (sealed for every bureau, in GS's outbox), median", Stats.Median(runs.Select(r => (r.Approved - r.ApproveSent) * 1000).ToList()), "ms"));
    }

    /// <summary>Seconds after the request: held at GS, approval sent, approval answered, and published in each bureau's copy.</summary>
    public sealed record Published(string Id, double AtGs, double ApproveSent, double Approved, double[] Present);

    private static async Task<Published> OneAsync(MessagingNetwork network, string[] bureaus, int index)
    {
        var start = Stopwatch.GetTimestamp();
        var requested = await network.Http(Requester).PostAsJsonAsync("/api/notices", Red(index), MessagingNetwork.Web);
        if (!requested.IsSuccessStatusCode)
            throw new InvalidOperationException($"the request was refused ({(int)requested.StatusCode}): {await requested.Content.ReadAsStringAsync()}");
        var id = (await requested.Content.ReadFromJsonAsync<NoticeAccepted>(MessagingNetwork.Web))!.Id;

        var gs = network.Http("GS");
        var atGs = await UntilStateAsync(gs, id, NoticeStates.PendingReview, start, "GS to hold the request");
        var approveSent = Elapsed(start);
        var reviewed = await gs.PostAsJsonAsync($"/api/notices/{id}/review", new ReviewRequest("approve", "bench"), MessagingNetwork.Web);
        if (!reviewed.IsSuccessStatusCode)
            throw new InvalidOperationException($"the approval was refused ({(int)reviewed.StatusCode}): {await reviewed.Content.ReadAsStringAsync()}");
        var approved = Elapsed(start);

        var present = await Task.WhenAll(bureaus.Select(b => UntilStateAsync(network.Http(b), id, NoticeStates.Published, start, $"{b}'s copy to hold notice {id} published")));
        return new Published(id, atGs, approveSent, approved, present);
    }

    private static async Task<double> UntilStateAsync(HttpClient node, string id, string state, long start, string what)
    {
        while (Stopwatch.GetElapsedTime(start) < NoticeBound)
        {
            using var response = await node.GetAsync($"/api/notices/{id}");
            if (response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<NoticeInfo>(MessagingNetwork.Web))!.State == state)
                return Elapsed(start);
            await Task.Delay(Poll);
        }
        throw new TimeoutException($"waited {NoticeBound.TotalSeconds:0} s for {what}");
    }

    private static double Elapsed(long start) => Stopwatch.GetElapsedTime(start).TotalSeconds;

    private static NoticeRequest Red(int index) => new("red",
        new NoticeSubjectBody($"BENCHMARK{index:D4}", "Mohammed", ["Abu Ali"], null, "1980-04", "M", ["FR", "DZ"], "Oran", "scar on the left cheek"),
        "armed robbery of a bank", new WarrantBody("Tribunal judiciaire de Paris", "2026-01-15", "vol à main armée"));
}
