using System.Net;
using System.Net.Http.Json;
using ActorNet.Protocol.Api;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.Network.Tests;

/// <summary>Many messages at once, through POST /api/messages/batch and through concurrent single sends: all arrive, once each, in the order given.</summary>
public sealed class BatchMessagingTests(ITestOutputHelper output) : Scenario(output)
{
    [Fact]
    public async Task A_batch_and_concurrent_sends_arrive_once_each_and_the_batch_in_its_order()
    {
        var (_, nodes) = await StartClusterAsync("GS", "FR", "US");
        var (fr, us) = (nodes[1], nodes[2]);
        await Eventually.TrueAsync(async () => (await fr.BureausAsync()).Any(b => b.Code == "US" && b.Fingerprint is not null), Ready, "FR to know US's keys");

        // Escapes and non-ASCII text come through as sent.
        var batch = Enumerable.Range(0, 300).Select(i => new SendMessageRequest(["US"], $"batch {i}", $"body {i}: Müller, \"Жуков\"\n{new string('x', i * 10)}", "H1", null, null)).ToArray();
        var response = await fr.Http.PostAsJsonAsync("/api/messages/batch", batch);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var ids = (await response.Content.ReadFromJsonAsync<MessagesAccepted>())!.Ids;
        Assert.Equal(batch.Length, ids.Distinct().Count());

        var singles = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            var sent = await fr.Http.PostAsJsonAsync("/api/messages", new SendMessageRequest(["US"], $"single {i}", $"single {i}", "H0", null, null));
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
            return (await sent.Content.ReadFromJsonAsync<MessageAccepted>())!.Id;
        }));

        var inbox = new List<InboxMessage>();
        await Eventually.TrueAsync(async () =>
        {
            var after = inbox.Count == 0 ? "" : $"&after={inbox[^1].Id}";
            inbox.AddRange((await us.Http.GetFromJsonAsync<List<InboxMessage>>($"/api/messages/inbox?limit=1000{after}"))!);
            return inbox.Count >= batch.Length + singles.Length;
        }, TimeSpan.FromSeconds(60), "every message at US", () => $"{inbox.Count} so far");

        Assert.Equal(batch.Length + singles.Length, inbox.Select(m => m.Id).Distinct().Count());
        var batchArrivals = inbox.Where(m => m.Subject.StartsWith("batch ", StringComparison.Ordinal)).ToList();
        Assert.Equal(ids, batchArrivals.Select(m => m.Id));
        Assert.Equal(batch.Select(b => b.Body), batchArrivals.Select(m => m.Body));
        Assert.Equal(singles.Order(), inbox.Where(m => m.Subject.StartsWith("single ", StringComparison.Ordinal)).Select(m => m.Id).Order());
    }
}
