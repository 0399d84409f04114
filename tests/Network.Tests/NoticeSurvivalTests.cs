using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Notices;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.Network.Tests;

/// <summary>
/// Issue 4's "Survives": GS killed (kill -9) while it publishes, to bureaus of which some are offline; a bureau offline through
/// 1,000 publications and 100 cancellations. Each bureau ends with every notice once: its API, its copies' journal and its inbox say so.
/// </summary>
public sealed class NoticeSurvivalTests(ITestOutputHelper output) : Scenario(output)
{
    private const int Clients = 8;
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(90);

    private static NoticeRequest Red(int n) => new("red",
        new NoticeSubjectBody($"Survivor{n}", "Jean", null, null, "1980-04", "M", ["FR"], null, "scar on the left cheek"),
        "armed robbery of a bank", new WarrantBody("Tribunal judiciaire de Paris", "2026-01-15", "vol à main armée"));

    /// <summary>Runs <paramref name="work"/> over <paramref name="items"/> with <see cref="Clients"/> concurrent callers, stopping at the first failure.</summary>
    private static async Task InParallelAsync<T>(IReadOnlyList<T> items, Func<T, Task> work)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < items.Count; i = Interlocked.Increment(ref next))
                await work(items[i]);
        })));
    }

    private static async Task<string[]> RequestAsync(NodeProcess fr, int count)
    {
        var ids = new string[count];
        await InParallelAsync(Enumerable.Range(0, count).ToArray(), async n =>
        {
            using var response = await fr.Http.PostAsJsonAsync("/api/notices", Red(n));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids[n] = (await response.Content.ReadFromJsonAsync<NoticeAccepted>())!.Id;
        });
        return ids;
    }

    private static async Task<List<NoticeSummaryInfo>> ListAsync(NodeProcess node, string state) =>
        (await node.Http.GetFromJsonAsync<List<NoticeSummaryInfo>>($"/api/notices?state={state}&limit=1000"))!;

    private static async Task AwaitListedAsync(NodeProcess node, string state, IReadOnlyCollection<string> ids, TimeSpan bound)
    {
        var listed = 0;
        await Eventually.TrueAsync(async () =>
        {
            var found = await ListAsync(node, state);
            listed = found.Count;
            return ids.All(found.Select(n => n.Id).ToHashSet().Contains);
        }, bound, $"{node.Name} to list {ids.Count} notices {state}", () => $"{listed} listed {state}");
    }

    /// <summary>
    /// The documents a bureau kept and the notice envelopes its inbox took, per notice and operation, from its journal: each
    /// publication and each cancellation of <paramref name="ids"/> exactly once, and nothing else about them.
    /// </summary>
    private void AssertEachOnce(NodeProcess node, string bureau, IReadOnlyCollection<string> published, IReadOnlyCollection<string> cancelled)
    {
        var kept = Journal.Events<NoticeCopyEvents.Kept>(node.DataDirectory!, "notice-copies-" + bureau);
        var taken = Journal.InboxArrivals(node.DataDirectory!, "inbox-" + bureau).Where(r => NoticeEnvelopes.Owns(r.Id)).ToList();
        Output.WriteLine($"{bureau}: {kept.Count} documents kept, {taken.Count} notice envelopes in its inbox");
        foreach (var (operation, ids) in new[] { (NoticeDocument.Publish, published), (NoticeDocument.StateChange, cancelled) })
        {
            var keptPerNotice = kept.Where(k => k.Operation == operation).GroupBy(k => k.NoticeId.Value).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(ids.Order(), keptPerNotice.Keys.Order());
            Assert.All(keptPerNotice, kv => Assert.True(kv.Value == 1, $"{bureau} kept {kv.Value} {operation} documents of notice {kv.Key}"));
            var takenPerNotice = taken.Where(r => r.Id.Contains($".{operation}.", StringComparison.Ordinal))
                .GroupBy(r => NoticeEnvelopes.NoticeOf(r.Id)!.Value).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(ids.Order(), takenPerNotice.Keys.Order());
            Assert.All(takenPerNotice, kv => Assert.True(kv.Value == 1, $"{bureau}'s inbox took {kv.Value} {operation} envelopes of notice {kv.Key}"));
        }
    }

    [Fact]
    public async Task GS_killed_while_publishing_to_bureaus_some_offline_completes_every_publication_on_restart_and_no_bureau_gets_one_twice()
    {
        const int total = 30;
        var clock = Stopwatch.StartNew();
        var (seed, nodes) = await StartClusterAsync("GS", "FR", "US", "DE", "ES");
        var (gs, fr, us, de, es) = (nodes[0], nodes[1], nodes[2], nodes[3], nodes[4]);
        await NoticeTests.KnowsKeysAsync(gs, "FR", "US", "DE", "ES");
        await NoticeTests.KnowsKeysAsync(fr, "GS");

        var ids = await RequestAsync(fr, total);
        await AwaitListedAsync(gs, NoticeStates.PendingReview, ids, Propagation);

        // DE and ES are down: when GS dies, they certainly do not have the publications, whatever GS managed before.
        de.Kill();
        es.Kill();
        // Let the cluster remove them first: GS dying while they are still unreachable would leave no majority to down anyone.
        await Eventually.TrueAsync(async () => !(await fr.MembersAsync()).Any(m => m.Bureau is "DE" or "ES"), Propagation, "DE and ES removed from the cluster");
        var answered = new List<string>();
        var killed = 0;
        await InParallelAsync(ids, async id =>
        {
            if (Volatile.Read(ref killed) == 1)
                return;
            try
            {
                using var response = await gs.Http.PostAsJsonAsync($"/api/notices/{id}/review", new ReviewRequest("approve", "warrant checks out"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                lock (answered)
                    answered.Add(id);
                if (answered.Count >= total / 2 && Interlocked.Exchange(ref killed, 1) == 0)
                    gs.Kill(); // approvals in flight die with it: some persisted without an answer, some not at all
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // GS died under this request.
            }
        });
        Assert.True(gs.HasExited);
        Output.WriteLine($"{answered.Count} approvals answered when GS was killed, {clock.Elapsed.TotalSeconds:0} s in");

        var back = Track(NodeProcess.StartNode("GS", [seed], gs.DataDirectory!));
        await back.WaitReadyAsync(Ready);
        var (deBack, esBack) = (Track(NodeProcess.StartNode("DE", [seed], de.DataDirectory!)), Track(NodeProcess.StartNode("ES", [seed], es.DataDirectory!)));
        await deBack.WaitReadyAsync(Ready);
        await esBack.WaitReadyAsync(Ready);

        // What GS approved before it died is published without being asked again; the rest is approved now.
        var stillPending = 0;
        foreach (var id in ids)
            await Eventually.TrueAsync(async () =>
            {
                var state = (await back.Http.GetFromJsonAsync<NoticeInfo>($"/api/notices/{id}"))!.State;
                if (state == NoticeStates.PendingReview)
                {
                    Assert.DoesNotContain(id, answered);
                    stillPending++;
                    using var response = await back.Http.PostAsJsonAsync($"/api/notices/{id}/review", new ReviewRequest("approve", "warrant checks out"));
                    return response.StatusCode == HttpStatusCode.OK;
                }
                return state == NoticeStates.Published;
            }, Propagation, $"notice {id} published at GS after its restart");
        Output.WriteLine($"{stillPending} notices were still pending review after the restart");

        foreach (var (node, bureau) in new[] { (fr, "FR"), (us, "US"), (deBack, "DE"), (esBack, "ES") })
            await AwaitListedAsync(node, NoticeStates.Published, ids, Propagation);
        Output.WriteLine($"all {total} published at every bureau {clock.Elapsed.TotalSeconds:0} s in");
        foreach (var id in ids)
        {
            var history = (await back.Http.GetFromJsonAsync<NoticeInfo>($"/api/notices/{id}"))!.History!;
            Assert.Single(history, h => h.What == "published");
        }
        foreach (var (node, bureau) in new[] { (fr, "FR"), (us, "US"), (deBack, "DE"), (esBack, "ES") })
        {
            Assert.Equal(total, (await ListAsync(node, NoticeStates.Published)).Count);
            AssertEachOnce(node, bureau, ids, []);
        }
    }

    [Fact]
    public async Task A_bureau_offline_through_1000_publications_and_100_cancellations_gets_each_exactly_once_when_it_returns_even_if_killed_while_catching_up()
    {
        const int total = 1000, cancellations = 100;
        var clock = Stopwatch.StartNew();
        var (seed, nodes) = await StartClusterAsync("GS", "FR", "US");
        var (gs, fr, us) = (nodes[0], nodes[1], nodes[2]);
        await NoticeTests.KnowsKeysAsync(gs, "FR", "US");
        await NoticeTests.KnowsKeysAsync(fr, "GS");
        us.Kill();

        var ids = await RequestAsync(fr, total);
        Output.WriteLine($"{total} requested {clock.Elapsed.TotalSeconds:0} s in");
        await AwaitListedAsync(gs, NoticeStates.PendingReview, ids, Propagation);
        await InParallelAsync(ids, async id =>
        {
            using var response = await gs.Http.PostAsJsonAsync($"/api/notices/{id}/review", new ReviewRequest("approve", "warrant checks out"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });
        Output.WriteLine($"{total} approved {clock.Elapsed.TotalSeconds:0} s in");
        // Cancelled by the requesting bureau: FR must hold the publication before it may cancel.
        var cancelled = ids.Take(cancellations).ToArray();
        await AwaitListedAsync(fr, NoticeStates.Published, ids, Propagation);
        await InParallelAsync(cancelled, async id =>
        {
            using var response = await fr.Http.PostAsJsonAsync($"/api/notices/{id}/cancel", new CancelRequest("subject arrested"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });
        await AwaitListedAsync(gs, NoticeStates.Cancelled, cancelled, Propagation);
        Output.WriteLine($"{cancellations} cancelled {clock.Elapsed.TotalSeconds:0} s in");

        // US returns, and is killed again in the middle of catching up: its inbox has persisted envelopes its copies have not yet.
        var first = Track(NodeProcess.StartNode("US", [seed], us.DataDirectory!));
        await first.WaitReadyAsync(Ready);
        await Eventually.TrueAsync(async () => (await first.Http.GetFromJsonAsync<List<NoticeSummaryInfo>>("/api/notices?limit=1000"))!.Count >= total / 5,
            Propagation, $"US to hold {total / 5} notices");
        first.Kill();
        var inInbox = Journal.InboxArrivals(us.DataDirectory!, "inbox-US").Count(r => NoticeEnvelopes.Owns(r.Id));
        var inCopies = Journal.Events<NoticeCopyEvents.Kept>(us.DataDirectory!, "notice-copies-US").Count;
        Output.WriteLine($"US killed while catching up: {inInbox} notice envelopes in its inbox, {inCopies} in its copies");

        var back = Track(NodeProcess.StartNode("US", [seed], us.DataDirectory!));
        var returned = Stopwatch.StartNew();
        await back.WaitReadyAsync(Ready);
        var stillPublished = ids.Skip(cancellations).ToArray();
        await AwaitListedAsync(back, NoticeStates.Cancelled, cancelled, Propagation);
        await AwaitListedAsync(back, NoticeStates.Published, stillPublished, Propagation);
        Output.WriteLine($"US caught up {returned.Elapsed.TotalSeconds:0.0} s after it was started again; {clock.Elapsed.TotalSeconds:0} s in all");

        Assert.Equal(stillPublished.Order(), (await ListAsync(back, NoticeStates.Published)).Select(n => n.Id).Order());
        Assert.Equal(cancelled.Order(), (await ListAsync(back, NoticeStates.Cancelled)).Select(n => n.Id).Order());
        AssertEachOnce(back, "US", ids, cancelled);
    }

    [Fact]
    public async Task A_bureau_approved_after_notices_were_published_gets_those_it_may_see_and_their_later_changes()
    {
        var (seed, nodes) = await StartClusterAsync("GS", "FR", "US");
        var (gs, fr) = (nodes[0], nodes[1]);
        await NoticeTests.KnowsKeysAsync(gs, "FR", "US");
        await NoticeTests.KnowsKeysAsync(fr, "GS");

        // Before DE exists: one notice for all, one restricted from DE, one cancelled, one still pending review.
        var ids = await RequestAsync(fr, 3);
        var (open, cancelled, pending) = (ids[0], ids[1], ids[2]);
        string restricted;
        using (var response = await fr.Http.PostAsJsonAsync("/api/notices", Red(9) with { RestrictedFrom = ["DE"] }))
            restricted = (await response.Content.ReadFromJsonAsync<NoticeAccepted>())!.Id;
        await AwaitListedAsync(gs, NoticeStates.PendingReview, [open, restricted, cancelled, pending], Propagation);
        foreach (var id in new[] { open, restricted, cancelled })
            Assert.Equal(HttpStatusCode.OK, (await gs.Http.PostAsJsonAsync($"/api/notices/{id}/review", new ReviewRequest("approve", "ok"))).StatusCode);
        await AwaitListedAsync(fr, NoticeStates.Published, [open, restricted, cancelled], Propagation);
        Assert.Equal(HttpStatusCode.OK, (await fr.Http.PostAsJsonAsync($"/api/notices/{cancelled}/cancel", new CancelRequest("arrested"))).StatusCode);
        await AwaitListedAsync(gs, NoticeStates.Cancelled, [cancelled], Propagation);

        // DE joins, enrols and is approved (GS runs --auto-enrol): it gets the published notice it may see.
        var de = Track(NodeProcess.StartNode("DE", [seed], Temp.Sub("DE")));
        await de.WaitReadyAsync(Ready);
        await AwaitListedAsync(de, NoticeStates.Published, [open], Propagation);
        var history = (await gs.Http.GetFromJsonAsync<NoticeInfo>($"/api/notices/{open}"))!.History!;
        Assert.Contains(history, h => h.What == "extended" && h.Reason!.Contains("DE"));

        // What was pending review when DE came is published to it as to anyone; later changes reach it too.
        Assert.Equal(HttpStatusCode.OK, (await gs.Http.PostAsJsonAsync($"/api/notices/{pending}/review", new ReviewRequest("approve", "ok"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fr.Http.PostAsJsonAsync($"/api/notices/{open}/cancel", new CancelRequest("arrested"))).StatusCode);
        await AwaitListedAsync(de, NoticeStates.Published, [pending], Propagation);
        await AwaitListedAsync(de, NoticeStates.Cancelled, [open], Propagation);

        // Never the restricted one, nor the one cancelled before DE was approved.
        Assert.Equal(HttpStatusCode.NotFound, (await de.Http.GetAsync($"/api/notices/{restricted}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await de.Http.GetAsync($"/api/notices/{cancelled}")).StatusCode);
        AssertEachOnce(de, "DE", [open, pending], [open]);
    }
}
