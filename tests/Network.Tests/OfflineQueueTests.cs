using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ActorNet.Protocol.Api;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.Network.Tests;

/// <summary>
/// A recipient offline while many messages queue for it: the sender's memory stays bounded, and all arrive, once each
/// and in order, when the recipient comes back. The full 100,000 run in the bench (bench/run.sh offline100k).
/// </summary>
public sealed class OfflineQueueTests(ITestOutputHelper output) : Scenario(output)
{
    private const int Total = 20_000;
    private const int Clients = 16;
    private const double MaxSenderRssMiB = 400;
    private static readonly TimeSpan QueueBound = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan ArrivalBound = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Messages_queued_for_an_offline_recipient_keep_the_sender_small_and_all_arrive_in_order_on_its_return()
    {
        var (seed, nodes) = await StartClusterAsync("GS", "FR", "US");
        var (fr, us) = (nodes[1], nodes[2]);
        await Eventually.TrueAsync(async () => (await fr.BureausAsync()).Any(b => b.Code == "US" && b.Fingerprint is not null), Ready, "FR to know US's keys");
        us.Kill();

        var ids = new string[Total];
        var sentBy = Enumerable.Range(0, Clients).Select(_ => new List<int>()).ToArray();
        var next = -1;
        var peakRss = 0.0;
        var clock = Stopwatch.StartNew();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { BaseAddress = fr.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = fr.Http.DefaultRequestHeaders.Authorization;
        using (var bound = new CancellationTokenSource(QueueBound))
            await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
            {
                for (var i = Interlocked.Increment(ref next); i < Total; i = Interlocked.Increment(ref next))
                {
                    using var response = await http.PostAsJsonAsync("/api/messages", new SendMessageRequest(["US"], $"n{i}", $"offline body {i}", "H0", null, null), bound.Token);
                    Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                    ids[i] = (await response.Content.ReadFromJsonAsync<MessageAccepted>(bound.Token))!.Id;
                    sentBy[client].Add(i);
                    if (i % 1000 == 0)
                        peakRss = Math.Max(peakRss, ResidentMiB(fr.Pid));
                }
            })));
        var rss = ResidentMiB(fr.Pid);
        Output.WriteLine($"{Total} queued in {clock.Elapsed.TotalSeconds:0.0} s; FR VmRSS {rss:0} MiB now, {Math.Max(peakRss, rss):0} MiB at most while queueing");
        Assert.True(Math.Max(peakRss, rss) < MaxSenderRssMiB, $"FR's resident memory reached {Math.Max(peakRss, rss):0} MiB with {Total} queued");
        Assert.Equal("queued", (await fr.Http.GetFromJsonAsync<MessageStatusInfo>($"/api/messages/{ids[0]}"))!.Recipients["US"]);

        var back = Track(NodeProcess.StartNode("US", [seed], Temp.Sub("US")));
        clock.Restart();
        await back.WaitReadyAsync(Ready);
        await Eventually.TrueAsync(async () => (await fr.Http.GetFromJsonAsync<MessageStatusInfo>($"/api/messages/{ids[^1]}"))!.Recipients["US"] != "queued",
            ArrivalBound, $"the last of {Total} messages delivered");
        Output.WriteLine($"all delivered {clock.Elapsed.TotalSeconds:0.0} s after US was started again");

        // The highest-numbered message need not be the last one FR stored (its clients posted concurrently): others may still
        // be on their way.
        var inbox = new List<InboxMessage>(Total);
        await Eventually.TrueAsync(async () => (await Inbox.ReadMoreAsync(back, inbox)).Count >= Total, ArrivalBound, $"all {Total} messages in US's inbox");
        // Once each; concurrent clients' messages have no order among them, but each client's arrive in the order it sent them.
        Assert.Equal(ids.Order(), inbox.Select(m => m.Id).Order());
        var position = inbox.Select((m, at) => (m.Id, at)).ToDictionary(p => p.Id, p => p.at);
        foreach (var sent in sentBy)
            Assert.True(sent.Select(i => position[ids[i]]).Zip(sent.Skip(1).Select(i => position[ids[i]]), (earlier, later) => earlier < later).All(inOrder => inOrder),
                "a client's messages arrived out of the order it sent them");
        Assert.All(inbox, m => Assert.Equal($"offline body {m.Subject[1..]}", m.Body));
        Assert.Contains((await fr.Http.GetFromJsonAsync<MessageStatusInfo>($"/api/messages/{ids[0]}"))!.Recipients["US"], new[] { "delivered", "read" });
    }

    /// <summary>VmRSS of a process from /proc, in MiB.</summary>
    private static double ResidentMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) / 1024.0;
    }
}
