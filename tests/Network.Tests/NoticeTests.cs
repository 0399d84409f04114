using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ActorNet.Protocol.Api;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.Network.Tests;

/// <summary>
/// Notices across real nodes: requested at FR, reviewed at GS, published sealed to every bureau but the restricted one (including a
/// bureau that was down), cancelled everywhere, still listed while GS is gone; a diffusion withdrawn after review; bad input refused.
/// </summary>
public sealed class NoticeTests(ITestOutputHelper output) : Scenario(output)
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(90);
    private const string Marker = "Zyxwvutsrq";

    private static NoticeRequest Red(params string[] restrictedFrom) => new("red",
        new NoticeSubjectBody(Marker, "Mohammed", ["Abu Ali"], null, "1980-04", "M", ["FR", "DZ"], "Oran", "scar on the left cheek"),
        "armed robbery of a bank", new WarrantBody("Tribunal judiciaire de Paris", "2026-01-15", "vol à main armée"),
        Attachments: ["photo-1.jpg"], RestrictedFrom: restrictedFrom);

    private static async Task<string?> StateAt(NodeProcess node, string id)
    {
        var response = await node.Http.GetAsync($"/api/notices/{id}");
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<NoticeInfo>())!.State : null;
    }

    private static async Task<string> ProblemTitle(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Title;

    private sealed record ProblemBody(string Title, int Status);

    /// <summary>Waits until <paramref name="node"/> knows the keys of every one of <paramref name="bureaus"/>.</summary>
    internal static async Task KnowsKeysAsync(NodeProcess node, params string[] bureaus) =>
        await Eventually.TrueAsync(async () =>
        {
            var known = await node.BureausAsync();
            return bureaus.All(b => known.Any(k => k.Code == b && k.Fingerprint is not null));
        }, Ready, $"{node.Name} to know the keys of {string.Join(",", bureaus)}");

    [Fact]
    public async Task Notice_requested_at_FR_reviewed_at_GS_reaches_every_bureau_but_the_restricted_one_and_its_cancellation_follows()
    {
        var (seed, nodes) = await StartClusterAsync("GS", "FR", "US", "DE", "ES");
        var (gs, fr, us, de, es) = (nodes[0], nodes[1], nodes[2], nodes[3], nodes[4]);
        await KnowsKeysAsync(gs, "FR", "US", "DE", "ES");
        await KnowsKeysAsync(fr, "GS");

        // US follows its live events throughout.
        using var events = new HttpClient { BaseAddress = us.Http.BaseAddress, Timeout = Propagation * 3 };
        events.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", NodeProcess.AdminToken);
        using var stream = await events.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        var sse = new StreamReader(await stream.Content.ReadAsStreamAsync());

        var requested = await fr.Http.PostAsJsonAsync("/api/notices", Red("ES"));
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        var accepted = (await requested.Content.ReadFromJsonAsync<NoticeAccepted>())!;
        Assert.Equal(NoticeStates.PendingReview, accepted.State);
        var id = accepted.Id;
        Assert.Equal(NoticeStates.PendingReview, await StateAt(fr, id));
        await Eventually.TrueAsync(async () => await StateAt(gs, id) == NoticeStates.PendingReview, Propagation, "GS to hold the request");
        var atGs = (await gs.Http.GetFromJsonAsync<NoticeInfo>($"/api/notices/{id}"))!;
        Assert.Equal(Marker, atGs.Subject.Name);
        Assert.NotNull(atGs.Findings);
        Assert.Contains(atGs.History!, h => h.What == "compliance-checked");

        // DE is down while the notice is published: it gets it when it returns.
        de.Kill();

        // Review: only on GS, only with the reviewer role, once.
        var notGs = await fr.Http.PostAsJsonAsync($"/api/notices/{id}/review", new ReviewRequest("approve", "ok"));
        Assert.Equal(HttpStatusCode.BadRequest, notGs.StatusCode);
        Assert.Contains("GS node", await ProblemTitle(notGs));
        var officer = (await (await gs.Http.PostAsJsonAsync("/api/tokens", new TokenRequest("officer"))).Content.ReadFromJsonAsync<TokenCreated>())!;
        using (var asOfficer = new HttpClient { BaseAddress = gs.Http.BaseAddress })
        {
            asOfficer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", officer.Token);
            Assert.Equal(HttpStatusCode.Forbidden, (await asOfficer.PostAsJsonAsync($"/api/notices/{id}/review", new ReviewRequest("approve", "ok"))).StatusCode);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await gs.Http.PostAsJsonAsync($"/api/notices/{id}/review", new ReviewRequest("maybe", "ok"))).StatusCode);
        var approved = await gs.Http.PostAsJsonAsync($"/api/notices/{id}/review", new ReviewRequest("approve", "identity and warrant check out"));
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(NoticeStates.Published, (await approved.Content.ReadFromJsonAsync<NoticeDecision>())!.State);
        Assert.Equal(HttpStatusCode.Conflict, (await gs.Http.PostAsJsonAsync($"/api/notices/{id}/review", new ReviewRequest("reject", "too late"))).StatusCode);

        foreach (var node in new[] { us, fr })
            await Eventually.TrueAsync(async () => await StateAt(node, id) == NoticeStates.Published, Propagation, $"{node.Name} to hold the published notice");
        var atUs = (await us.Http.GetFromJsonAsync<NoticeInfo>($"/api/notices/{id}"))!;
        Assert.Equal((Marker, "1980-04", "FR"), (atUs.Subject.Name, atUs.Subject.DateOfBirth, atUs.RequestedBy));
        Assert.Contains(atUs.Subject.Nationalities!, n => n == "DZ");
        var listed = (await us.Http.GetFromJsonAsync<List<NoticeSummaryInfo>>("/api/notices?type=red&state=published&q=mohammed"))!;
        Assert.Contains(listed, n => n.Id == id);
        using (var cts = new CancellationTokenSource(Propagation))
        {
            string? line;
            do line = await sse.ReadLineAsync(cts.Token); while (line is not null && !(line.Contains("notice") && line.Contains(id)));
            Assert.NotNull(line);
        }

        var back = Track(NodeProcess.StartNode("DE", [seed], Temp.Sub("DE")));
        await back.WaitReadyAsync(Ready);
        await Eventually.TrueAsync(async () => await StateAt(back, id) == NoticeStates.Published, Propagation, "DE to receive the notice it missed");

        // Cancelled by the requesting bureau: everyone who holds it sees it cancelled, and still reads it.
        var cancelled = await fr.Http.PostAsJsonAsync($"/api/notices/{id}/cancel", new CancelRequest("subject arrested in Lyon"));
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await us.Http.PostAsJsonAsync($"/api/notices/{id}/cancel", new CancelRequest("not ours"))).StatusCode);
        foreach (var node in new[] { gs, us, back })
            await Eventually.TrueAsync(async () => await StateAt(node, id) == NoticeStates.Cancelled, Propagation, $"{node.Name} to see the cancellation");
        Assert.Equal(Marker, (await back.Http.GetFromJsonAsync<NoticeInfo>($"/api/notices/{id}"))!.Subject.Name);

        // ES never received it: not in its API, not in its journal (not even the notice's id, which envelope ids carry in clear).
        Assert.Equal(HttpStatusCode.NotFound, (await es.Http.GetAsync($"/api/notices/{id}")).StatusCode);
        Assert.DoesNotContain((await es.Http.GetFromJsonAsync<List<NoticeSummaryInfo>>("/api/notices"))!, n => n.Id == id);
        foreach (var file in Directory.EnumerateFiles(Temp.Sub("ES"), "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.False(bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(Marker)) >= 0, $"{file} holds the subject's name");
            Assert.False(bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(id)) >= 0, $"{file} holds the notice's id");
        }
        // Nowhere is the subject's name at rest in clear, readers included: every journal keeps it sealed.
        foreach (var file in Directory.EnumerateFiles(Temp.Path, "actornet*.db*", SearchOption.AllDirectories))
            Assert.False((await File.ReadAllBytesAsync(file)).AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(Marker)) >= 0, $"{file} holds the subject's name in clear");

        // With GS gone, a bureau still answers from its own copy.
        gs.Kill();
        Assert.Contains((await us.Http.GetFromJsonAsync<List<NoticeSummaryInfo>>("/api/notices"))!, n => n.Id == id && n.State == NoticeStates.Cancelled);
    }

    [Fact]
    public async Task Diffusion_goes_straight_to_its_recipients_and_is_withdrawn_when_GS_rejects_it_and_bad_requests_are_refused()
    {
        var (_, nodes) = await StartClusterAsync("GS", "FR", "US");
        var (gs, fr, us) = (nodes[0], nodes[1], nodes[2]);
        await KnowsKeysAsync(fr, "GS", "US");
        await KnowsKeysAsync(gs, "FR", "US");

        var sent = await fr.Http.PostAsJsonAsync("/api/diffusions", Red() with { To = ["US"] });
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var id = (await sent.Content.ReadFromJsonAsync<NoticeAccepted>())!.Id;
        await Eventually.TrueAsync(async () => await StateAt(us, id) == NoticeStates.Circulated, Propagation, "US to hold the diffusion");
        await Eventually.TrueAsync(async () => await StateAt(gs, id) == NoticeStates.Circulated, Propagation, "GS to hold its copy");

        var rejected = await gs.Http.PostAsJsonAsync($"/api/notices/{id}/review", new ReviewRequest("reject", "not a matter for police cooperation"));
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal(NoticeStates.Withdrawn, (await rejected.Content.ReadFromJsonAsync<NoticeDecision>())!.State);
        await Eventually.TrueAsync(async () => (await us.Http.GetAsync($"/api/notices/{id}")).StatusCode == HttpStatusCode.Gone, Propagation, "US to lose the diffusion");
        Assert.DoesNotContain((await us.Http.GetFromJsonAsync<List<NoticeSummaryInfo>>("/api/notices"))!, n => n.Id == id);

        // Bad input: each names what to fix.
        async Task<string> Refused(object body, string path = "/api/notices")
        {
            var response = await fr.Http.PostAsJsonAsync(path, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return await ProblemTitle(response);
        }
        Assert.Contains("'scarlet' is not a notice type", await Refused(Red() with { Type = "scarlet" }));
        Assert.Contains("\"subject.nationalities\": 'XY'", await Refused(Red() with { Subject = new NoticeSubjectBody(Marker, Nationalities: ["XY"]) }));
        Assert.Contains("in the future", await Refused(Red() with { Subject = new NoticeSubjectBody(Marker, DateOfBirth: "2999-01-01") }));
        var missing = await Refused(new NoticeRequest("red", new NoticeSubjectBody(Forename: "Jean")));
        Assert.Contains("\"subject.name\"", missing);
        Assert.Contains("\"offence\"", missing);
        Assert.Contains("\"warrant.charge\"", missing);
        Assert.Contains("\"to\"", await Refused(Red(), "/api/diffusions"));
        Assert.Equal(HttpStatusCode.BadRequest, (await fr.Http.GetAsync("/api/notices?type=scarlet")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gs.Http.PostAsJsonAsync("/api/notices/nope/review", new ReviewRequest("approve", "ok"))).StatusCode);
    }
}
