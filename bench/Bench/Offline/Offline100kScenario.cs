using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ActorNet.Bench.Infrastructure;
using ActorNet.Protocol.Api;

namespace ActorNet.Bench.Offline;

/// <summary>
/// A recipient offline while 100,000 messages (1 KiB bodies) queue for it through POST /api/messages: the sender's
/// resident memory while they wait, the time to queue them, and the time until all have arrived once the recipient
/// is started again (Lighthouse, GS, FR sending, US receiving; plain TCP, SQLite).
/// </summary>
public static class Offline100kScenario
{
    private const string Name = "offline100k";
    private const int Clients = 32;
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan QueueBound = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ArrivalBound = TimeSpan.FromMinutes(5);

    public static async Task RunAsync(Report report, Binaries binaries, string work, int total = 100_000)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var dir = Path.Combine(work, Name);
        var (lighthouse, seed) = await ActorNetProcesses.StartLighthouseAsync(binaries, work, Name + "-lighthouse");
        var ports = new Dictionary<string, int> { ["GS"] = Net.FreePort(), ["FR"] = Net.FreePort(), ["US"] = Net.FreePort() };
        ChildProcess Start(string bureau) => ActorNetProcesses.StartNode(binaries, bureau, seed, ports[bureau], Path.Combine(dir, bureau),
            Path.Combine(work, $"{Name}-{bureau}-{DateTime.UtcNow:HHmmss}.log"), token);
        var processes = new List<ChildProcess> { lighthouse };
        try
        {
            var gs = Start("GS");
            var fr = Start("FR");
            var us = Start("US");
            processes.AddRange([gs, fr, us]);
            foreach (var (node, bureau) in new[] { (gs, "GS"), (fr, "FR"), (us, "US") })
                if (await ActorNetProcesses.WaitFor200Async(node, Url(ports[bureau], "/health/ready"), TimeSpan.FromMilliseconds(200), Ready) is null)
                    throw new TimeoutException($"{bureau} not ready within {Ready.TotalSeconds:0} s:\n{node.Tail()}");

            using var http = Client(token, ports["FR"]);
            await Until(async () => (await http.GetFromJsonAsync<List<BureauInfo>>("/api/bureaus", Web))!.Any(b => b.Code == "US" && b.Fingerprint is not null),
                Ready, "FR to know US's keys");
            us.Kill();
            var idleRss = fr.ResidentMiB() ?? 0;

            // Queue: Clients concurrent senders, each posting its share; FR's RSS sampled all along.
            var body = new string('x', 1024);
            var ids = new string[total];
            var sentBy = Enumerable.Range(0, Clients).Select(_ => new List<string>()).ToArray();
            var next = -1;
            var peakRss = idleRss;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peakRss = Math.Max(peakRss, fr.ResidentMiB() ?? 0);
                    try { await Task.Delay(250, sampling.Token); } catch (OperationCanceledException) { }
                }
            });
            var queueing = Stopwatch.StartNew();
            using (var bound = new CancellationTokenSource(QueueBound))
                await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
                {
                    for (var i = Interlocked.Increment(ref next); i < total; i = Interlocked.Increment(ref next))
                    {
                        using var response = await http.PostAsJsonAsync("/api/messages", new SendMessageRequest(["US"], $"n{i}", body, "H1", null, null), bound.Token);
                        if (response.StatusCode != HttpStatusCode.Accepted)
                            throw new InvalidOperationException($"message {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        ids[i] = (await response.Content.ReadFromJsonAsync<MessageAccepted>(bound.Token))!.Id;
                        sentBy[client].Add(ids[i]);
                    }
                })));
            var queued = queueing.Elapsed.TotalSeconds;
            var queuedRss = fr.ResidentMiB() ?? 0;
            var status = await http.GetFromJsonAsync<MessageStatusInfo>($"/api/messages/{ids[^1]}", Web);
            report.Add(new(Name, $"time to queue {total:N0} messages ({Clients} HTTP clients)", queued, "s", Detail: $"{total / queued:N0} msg/s"));
            report.Add(new(Name, $"queue rate", total / queued, "msg/s"));
            report.Add(new(Name, $"sender VmRSS with {total:N0} queued", queuedRss, "MiB", "< 500 MB", queuedRss * 1.048576 < 500));
            report.Add(new(Name, "sender VmRSS peak while queueing", peakRss, "MiB", "< 500 MB", peakRss * 1.048576 < 500,
                Detail: $"idle before: {idleRss:0} MiB; last message {status!.Recipients["US"]}"));

            // Return: US starts on its own data; arrival is the last message's state at the sender (in-order delivery).
            var back = Start("US");
            processes.Add(back);
            var returned = Stopwatch.StartNew();
            if (await ActorNetProcesses.WaitFor200Async(back, Url(ports["US"], "/health/ready"), TimeSpan.FromMilliseconds(200), Ready) is null)
                throw new TimeoutException($"US not ready again within {Ready.TotalSeconds:0} s:\n{back.Tail()}");
            var ready = returned.Elapsed.TotalSeconds;
            await Until(async () => (await http.GetFromJsonAsync<MessageStatusInfo>($"/api/messages/{ids[^1]}", Web))!.Recipients["US"] != "queued",
                ArrivalBound, $"all {total:N0} at US", () => back.Tail(5));
            var arrived = returned.Elapsed.TotalSeconds;
            peakRss = Math.Max(peakRss, fr.ResidentMiB() ?? 0);
            sampling.Cancel();
            await sampler;
            report.Add(new(Name, $"recipient start → all {total:N0} delivered", arrived, "s", "< 60 s", arrived < 60,
                Detail: $"US ready after {ready:0.0} s; delivery {total / (arrived - ready):N0} msg/s after that"));
            report.Add(new(Name, "recipient ready → all delivered", arrived - ready, "s"));
            report.Add(new(Name, "sender VmRSS peak, queueing and delivery", peakRss, "MiB", "< 500 MB", peakRss * 1.048576 < 500));
            report.Add(new(Name, "recipient VmRSS with all delivered", back.ResidentMiB() ?? 0, "MiB"));

            // Every message once, as the recipient's reader sees them (not timed). Concurrent clients' messages have no
            // order among them; each client's, sent one after the other, must arrive in the order that client sent them.
            using var reader = Client(token, ports["US"]);
            var seen = new List<string>(total);
            while (seen.Count < total)
            {
                var page = await reader.GetFromJsonAsync<List<InboxMessage>>($"/api/messages/inbox?limit=1000{(seen.Count == 0 ? "" : "&after=" + seen[^1])}", Web);
                if (page is not { Count: > 0 })
                    break;
                seen.AddRange(page.Select(m => m.Id));
            }
            var position = new Dictionary<string, int>(total);
            for (var i = 0; i < seen.Count; i++)
                position.TryAdd(seen[i], i);
            var inOrder = seen.Count == total && position.Count == total && ids.All(position.ContainsKey)
                && sentBy.All(sent => sent.Select(id => position[id]).Zip(sent.Skip(1).Select(id => position[id])).All(pair => pair.Item1 < pair.Item2));
            report.Add(new(Name, "messages in US's inbox, once each and in each client's order", seen.Count, "msgs", $"{total:N0} in order", inOrder));
            report.Details[Name] = new { total, clients = Clients, queueSeconds = queued, queuedRssMiB = queuedRss, peakRssMiB = peakRss, idleRssMiB = idleRss, readySeconds = ready, arrivedSeconds = arrived, inOrder };
        }
        finally
        {
            foreach (var process in processes)
                process.Dispose();
        }
    }

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static string Url(int port, string path) => $"http://{Net.Loopback}:{port}{path}";

    private static HttpClient Client(string token, int port)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients })
        {
            BaseAddress = new Uri(Url(port, "")),
            Timeout = TimeSpan.FromSeconds(30),
        };
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
            await Task.Delay(200);
        }
        throw new TimeoutException($"waited {bound.TotalSeconds:0} s for {what}{(diagnostics is null ? "" : "\n" + diagnostics())}");
    }
}
