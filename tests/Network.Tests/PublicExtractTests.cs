using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Notices.PublicExtract;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.Network.Tests;

/// <summary>
/// Search and the public extract across real nodes: FR requests red notices, GS publishes them, and US answers
/// <c>/notices/v1/red</c> without a token in INTERPOL's shape from its own copies (public notices only), and
/// <c>/api/notices?q=</c> by a transliterated name.
/// </summary>
public sealed class PublicExtractTests(ITestOutputHelper output) : Scenario(output)
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(90);

    private static NoticeRequest Red(string forename, string name, string born, string sex, string nationality, bool isPublic) => new("red",
        new NoticeSubjectBody(name, forename, null, null, born, sex, [nationality], "Aleppo", "tattoo on the right forearm"),
        "armed robbery of a bank", new WarrantBody("Tribunal judiciaire de Paris", "2026-01-15", "armed robbery"), Public: isPublic);

    [Fact]
    public async Task Public_red_notices_are_listed_filtered_and_fetched_in_INTERPOL_s_shape_and_found_by_transliterated_name()
    {
        var (_, nodes) = await StartClusterAsync("GS", "FR", "US");
        var (gs, fr, us) = (nodes[0], nodes[1], nodes[2]);
        await Eventually.TrueAsync(async () =>
        {
            var known = await gs.BureausAsync();
            return new[] { "FR", "US" }.All(b => known.Any(k => k.Code == b && k.Fingerprint is not null))
                && (await fr.BureausAsync()).Any(k => k.Code == "GS" && k.Fingerprint is not null);
        }, Ready, "GS and FR to know each other's keys");

        var hassan = await PublishAsync(Red("Mohammed", "Al-Hassan", "1980-04-02", "M", "SY", isPublic: true));
        var petrova = await PublishAsync(Red("Ivana", "Petrova", "1995-06", "F", "RU", isPublic: true));
        var hidden = await PublishAsync(Red("Mohamed", "Al Hassan", "1980-04", "M", "IQ", isPublic: false));
        await Eventually.TrueAsync(async () => (await us.Http.GetFromJsonAsync<List<NoticeSummaryInfo>>("/api/notices?state=published"))!.Count == 3,
            Propagation, "US to hold the three published notices");

        // Search over the bureau's API: names across transliterations and word order, partial dates of birth either way.
        Assert.Equal(new[] { hassan, hidden }.Order(), (await IdsAsync(us, "q=muhammad%20alhassan")).Order());
        Assert.Equal(new[] { hassan, hidden }.Order(), (await IdsAsync(us, "q=hassan%20mohammed&dateOfBirth=1980/04")).Order());
        // A partial date of birth matches any day it may stand for: 1980-04 is a candidate for 1980-04-02.
        Assert.Equal(new[] { hassan, hidden }.Order(), (await IdsAsync(us, "q=muhammad%20alhassan&dateOfBirth=1980-04-02")).Order());
        Assert.Equal([hassan], await IdsAsync(us, "q=muhammad%20alhassan&dateOfBirth=1980-04-02&nationality=sy"));
        Assert.Empty(await IdsAsync(us, "q=muhammad%20alhassan&dateOfBirth=1981"));
        Assert.Equal([petrova], await IdsAsync(us, "type=red&sex=F"));
        var badDate = await us.Http.GetAsync("/api/notices?dateOfBirth=04/1980");
        Assert.Equal(HttpStatusCode.BadRequest, badDate.StatusCode);
        Assert.Contains("dateOfBirth", await badDate.Content.ReadAsStringAsync());

        // The public extract: no token, public notices only, INTERPOL's shape.
        using var anonymous = new HttpClient { BaseAddress = us.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var list = await JsonAsync(anonymous, "/notices/v1/red");
        Assert.Equal(2, (int)list["total"]!);
        Assert.Equal(1, (int)list["query"]!["page"]!);
        Assert.Equal(20, (int)list["query"]!["resultPerPage"]!);
        Assert.NotNull(list["_links"]!["self"]!["href"]);
        var notices = list["_embedded"]!["notices"]!.AsArray();
        var hassanEntity = PublicEntityId.For(new NoticeId(hassan));
        var listed = Assert.Single(notices, n => (string)n!["entity_id"]! == hassanEntity)!;
        Assert.Equal(("Mohammed", "Al-Hassan", "1980/04/02"), ((string)listed["forename"]!, (string)listed["name"]!, (string)listed["date_of_birth"]!));
        Assert.Equal("SY", (string)listed["nationalities"]![0]!);
        Assert.DoesNotContain(notices, n => (string)n!["entity_id"]! == PublicEntityId.For(new NoticeId(hidden)));

        // The detail, by the link the list gives.
        var self = new Uri((string)listed["_links"]!["self"]!["href"]!).PathAndQuery;
        Assert.Equal($"/notices/v1/red/{hassanEntity.Replace('/', '-')}", self);
        var detail = await JsonAsync(anonymous, self);
        Assert.Equal(hassanEntity, (string)detail["entity_id"]!);
        Assert.Equal(("M", "Aleppo"), ((string)detail["sex_id"]!, (string)detail["place_of_birth"]!));
        Assert.Equal(("FR", "armed robbery"), ((string)detail["arrest_warrants"]![0]!["issuing_country_id"]!, (string)detail["arrest_warrants"]![0]!["charge"]!));
        foreach (var field in new[] { "weight", "height", "languages_spoken_ids", "eyes_colors_id", "hairs_id", "country_of_birth_id", "_embedded", "_links" })
            Assert.True(detail.AsObject().ContainsKey(field), $"the detail lacks {field}");
        Assert.NotNull(await JsonAsync(anonymous, self + "/images"));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/notices/v1/red/{PublicEntityId.For(new NoticeId(hidden)).Replace('/', '-')}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/notices/v1/yellow/{hassanEntity.Replace('/', '-')}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/notices/v1/red/not-an-id")).StatusCode);

        // Filters and pages.
        Assert.Equal([hassanEntity], await EntityIdsAsync(anonymous, "name=al%20hassan&forename=muhammad"));
        Assert.Equal([PublicEntityId.For(new NoticeId(petrova))], await EntityIdsAsync(anonymous, "sexId=F&nationality=RU"));
        // Around Al-Hassan's age this year, born 1980 (Petrova is fifteen years younger): the test outlives any fixed range.
        var hassanAge = DateTime.UtcNow.Year - 1980;
        Assert.Equal([hassanEntity], await EntityIdsAsync(anonymous, $"ageMin={hassanAge - 2}&ageMax={hassanAge + 2}"));
        Assert.Empty(await EntityIdsAsync(anonymous, "forename=ivan"));
        var first = await JsonAsync(anonymous, "/notices/v1/red?resultPerPage=1");
        Assert.Equal((2, 1), ((int)first["total"]!, first["_embedded"]!["notices"]!.AsArray().Count));
        Assert.NotNull(first["_links"]!["next"]);
        var second = await JsonAsync(anonymous, "/notices/v1/red?resultPerPage=1&page=2");
        Assert.Null(second["_links"]!["next"]);
        Assert.Equal(0, (int)(await JsonAsync(anonymous, "/notices/v1/yellow"))["total"]!);
        Assert.Equal(0, (int)(await JsonAsync(anonymous, "/notices/v1/un/persons"))["total"]!);

        // Bad parameters: 400 naming each.
        foreach (var (query, parameter) in new[] { ("sexId=X", "sexId"), ("resultPerPage=0", "resultPerPage"), ("ageMin=abc", "ageMin"), ("nationality=France", "nationality") })
        {
            var bad = await anonymous.GetAsync("/notices/v1/red?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
            Assert.Contains(parameter, await bad.Content.ReadAsStringAsync());
        }

        async Task<string> PublishAsync(NoticeRequest request)
        {
            var requested = await fr.Http.PostAsJsonAsync("/api/notices", request);
            Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
            var id = (await requested.Content.ReadFromJsonAsync<NoticeAccepted>())!.Id;
            await Eventually.TrueAsync(async () => (await gs.Http.GetAsync($"/api/notices/{id}")).IsSuccessStatusCode, Propagation, "GS to hold the request");
            var approved = await gs.Http.PostAsJsonAsync($"/api/notices/{id}/review", new ReviewRequest("approve", "identity and warrant check out"));
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
            return id;
        }
    }

    private static async Task<string[]> IdsAsync(NodeProcess node, string query) =>
        (await node.Http.GetFromJsonAsync<List<NoticeSummaryInfo>>("/api/notices?" + query))!.Select(n => n.Id).ToArray();

    private static async Task<string[]> EntityIdsAsync(HttpClient client, string query) =>
        (await JsonAsync(client, "/notices/v1/red?" + query))["_embedded"]!["notices"]!.AsArray().Select(n => (string)n!["entity_id"]!).ToArray();

    private static async Task<JsonNode> JsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
