using System.Net.Http.Json;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Audit;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.Network.Tests;

/// <summary>Issue 3's "Survives": a 10,000-message stream through a kill -9 of its recipient, and of its sender.</summary>
public sealed class SurvivalTests(ITestOutputHelper output) : Scenario(output)
{
    private const int Clients = 16;
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(60);

    private async Task<(int Seed, NodeProcess Fr, NodeProcess Us)> StartFrAndUsAsync()
    {
        var (seed, nodes) = await StartClusterAsync("GS", "FR", "US");
        var (fr, us) = (nodes[1], nodes[2]);
        await Eventually.TrueAsync(async () => (await fr.BureausAsync()).Any(b => b.Code == "US" && b.Fingerprint is not null), Ready, "FR to know US's keys");
        return (seed, fr, us);
    }

    /// <summary>Reads the recipient's whole inbox once it holds <paramref name="expected"/> messages or more.</summary>
    private static async Task<List<InboxMessage>> AwaitInboxAsync(NodeProcess recipient, int expected)
    {
        var inbox = new List<InboxMessage>();
        await Eventually.TrueAsync(async () => (await Inbox.ReadMoreAsync(recipient, inbox)).Count >= expected, Delivery,
            $"{expected} messages at {recipient.Name}", () => $"{inbox.Count} so far");
        return inbox;
    }

    [Fact]
    public async Task A_recipient_killed_in_the_middle_of_10000_messages_gets_each_once_and_in_order_after_it_returns()
    {
        const int total = 10_000;
        var (seed, fr, us) = await StartFrAndUsAsync();

        var stream = new MessageStream(fr, "US", Clients);
        var killed = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await stream.RunAsync(total, accepted =>
        {
            if (accepted == total / 2 && Interlocked.Exchange(ref killed, 1) == 0)
                us.Kill(); // the sender keeps accepting while its recipient is gone
        });
        Output.WriteLine($"{total} accepted in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(total, stream.AcceptedCount);
        Assert.True(us.HasExited);
        var sent = stream.Accepted;
        Assert.Equal("queued", (await fr.Http.GetFromJsonAsync<MessageStatusInfo>($"/api/messages/{sent[^1].Id}"))!.Recipients["US"]);

        clock.Restart();
        var back = Track(NodeProcess.StartNode("US", [seed], us.DataDirectory!));
        await back.WaitReadyAsync(Ready);
        var inbox = await AwaitInboxAsync(back, total);
        Output.WriteLine($"all {total} at US {clock.Elapsed.TotalSeconds:0.0} s after its restart");

        Assert.Equal(total, inbox.Count);
        Assert.Equal(total, inbox.Select(m => m.Id).Distinct().Count());
        var byId = sent.ToDictionary(m => m.Id);
        Assert.All(inbox, m => Assert.True(byId.ContainsKey(m.Id), $"{m.Id} was never sent"));
        Assert.All(inbox, m => Assert.Equal(byId[m.Id].Subject, m.Subject));
        Assert.Null(MessageStream.FirstOrderViolation(inbox.Select(m => byId[m.Id]).ToList()));
        await AuditTrail.AwaitNamedAsync(back, AuditKinds.MessageReceived, byId.Keys, Delivery);
    }

    [Fact]
    public async Task A_sender_killed_in_the_middle_of_10000_messages_delivers_every_accepted_one_once_after_it_returns()
    {
        const int total = 10_000;
        var (seed, fr, us) = await StartFrAndUsAsync();

        var stream = new MessageStream(fr, "US", Clients);
        var killed = 0;
        await stream.RunAsync(total, accepted =>
        {
            if (accepted == total / 2 && Interlocked.Exchange(ref killed, 1) == 0)
                fr.Kill(); // requests in flight die with it: some persisted without a 202, some not at all
        });
        var sent = stream.Accepted;
        Output.WriteLine($"{sent.Count} accepted, {stream.Unanswered.Count} unanswered when FR died");
        Assert.True(fr.HasExited);
        Assert.InRange(sent.Count, total / 2, total - 1);

        var back = Track(NodeProcess.StartNode("FR", [seed], fr.DataDirectory!));
        await back.WaitReadyAsync(Ready);
        var accepted = sent.Select(m => m.Id).ToHashSet();
        var inbox = new List<InboxMessage>();
        await Eventually.TrueAsync(async () => accepted.IsSubsetOf((await Inbox.ReadMoreAsync(us, inbox)).Select(m => m.Id)), Delivery,
            $"all {sent.Count} accepted messages at US", () => $"{inbox.Count} so far");
        // An unanswered request the outbox had persisted is on its way too: let it land before counting duplicates.
        await Eventually.TrueAsync(async () => (await back.Http.GetFromJsonAsync<MessageStatusInfo>($"/api/messages/{sent[^1].Id}"))!.Recipients["US"] != "queued",
            Delivery, "FR to see its last accepted message delivered");
        await Inbox.ReadMoreAsync(us, inbox);

        Assert.Equal(inbox.Count, inbox.Select(m => m.Id).Distinct().Count());
        Assert.Equal(inbox.Count, inbox.Select(m => m.Subject).Distinct().Count());
        var unanswered = stream.Unanswered.ToHashSet();
        Assert.All(inbox, m => Assert.True(accepted.Contains(m.Id) || unanswered.Contains(m.Subject), $"{m.Subject} ({m.Id}) was neither accepted nor in flight"));
        var byId = sent.ToDictionary(m => m.Id);
        Assert.Null(MessageStream.FirstOrderViolation(inbox.Where(m => byId.ContainsKey(m.Id)).Select(m => byId[m.Id]).ToList()));
        Output.WriteLine($"{inbox.Count} at US: {sent.Count} accepted and {inbox.Count - sent.Count} of the {unanswered.Count} unanswered");

        // The audit logs name every accepted message too: FR's as sent, US's as received, the kill -9 notwithstanding (FR records
        // what it died before recording after its restart, from its journal, alongside the deliveries).
        await AuditTrail.AwaitNamedAsync(back, AuditKinds.MessageSent, accepted, Delivery);
        await AuditTrail.AwaitNamedAsync(us, AuditKinds.MessageReceived, accepted, Delivery);
    }
}
