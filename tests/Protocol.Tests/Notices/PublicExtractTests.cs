using System.Text.Json;
using System.Text.Json.Nodes;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Notices.PublicExtract;
using ActorNet.Protocol.Notices.Search;
using Xunit;

namespace ActorNet.Protocol.Tests.Notices;


public class PublicExtractTests
{
    private static readonly PublicExtract Extract = new("https://fr.actornet.example/");

    // The serializer options of the node's HTTP API (camelCase): the property names of the extract must not follow them.
    private static readonly JsonSerializerOptions ApiOptions = new(JsonSerializerDefaults.Web);

    private static readonly PublicNoticeView Wanted = new()
    {
        EntityId = "2026/12345",
        Forename = "MOHAMMED",
        Name = "AL-HASSAN",
        DateOfBirth = PartialDate.Parse("1980-04-02"),
        Nationalities = ["SY", "FR"],
        SexId = "M",
        PlaceOfBirth = "ALEPPO",
        CountryOfBirthId = "SY",
        Height = 1.78,
        Weight = 80,
        EyesColorsId = ["BRO"],
        HairsId = ["BLA"],
        DistinguishingMarks = "Scar on the left cheek",
        LanguagesSpokenIds = ["ARA", "FRE"],
        ArrestWarrants = [new PublicArrestWarrant("FR", "Murder", null)],
        PictureIds = ["61234567", "61234568"],
    };

    private static readonly PublicNoticeView Missing = new()
    {
        EntityId = "2026/20001",
        Forename = "LEA",
        Name = "MARTIN",
        BirthName = "DUPONT",
        DateOfBirth = PartialDate.Parse("2016-05"),
        Nationalities = ["FR"],
        SexId = "F",
        PlaceOfBirth = "LYON",
        CountryOfBirthId = "FR",
        Height = 1.35,
        Weight = 30,
        EyesColorsId = ["BLU"],
        HairsId = ["BRO"],
        LanguagesSpokenIds = ["FRE"],
        Place = "LYON",
        DateOfEvent = PartialDate.Parse("2026-10-31"),
        FatherForename = "PIERRE",
        MotherForename = "CLAIRE",
        MotherName = "DUPONT",
        Country = "FR",
    };

    private static readonly PublicNoticeView Sanctioned = new()
    {
        EntityId = "2026/30001",
        Forename = "ABDUL",
        Name = "EXAMPLE",
        ForenameInOriginalScript = "عبد",
        NameInOriginalScript = "مثال",
        Aliases = ["ABU EXAMPLE"],
        DateOfBirth = PartialDate.Parse("1970"),
        Nationalities = ["AF"],
        SexId = "M",
        CountryOfBirthId = "AF",
        UnReference = "QDi.999",
        UnReferenceDate = new DateOnly(2026, 1, 15),
        Summary = "Listed under resolution 1267",
    };

    [Fact]
    public void Red_list_has_INTERPOLs_shape_query_echo_and_page_links()
    {
        var (query, problems) = PublicNoticeQuery.Parse(PublicNoticeKind.Red, Parameters(
            ("name", "AL-HASSAN"), ("nationality", "sy"), ("ageMin", "18"), ("sexId", "m"), ("arrestWarrantCountryId", "FR"),
            ("page", "2"), ("resultPerPage", "1"), ("forename", "")));
        Assert.Empty(problems);

        AssertJson(PublicExtractFixtures.RedList, Extract.List(query!, total: 3, [Wanted]));
    }

    [Fact]
    public void Red_detail_has_INTERPOLs_shape() => AssertJson(PublicExtractFixtures.RedDetail, Extract.Red(Wanted));

    [Fact]
    public void Images_have_INTERPOLs_shape() => AssertJson(PublicExtractFixtures.RedImages, Extract.Images(PublicNoticeKind.Red, Wanted));

    [Fact]
    public void Yellow_detail_has_INTERPOLs_shape() => AssertJson(PublicExtractFixtures.YellowDetail, Extract.Yellow(Missing));

    [Fact]
    public void UN_person_detail_has_INTERPOLs_shape() => AssertJson(PublicExtractFixtures.UnPersonDetail, Extract.UnPerson(Sanctioned));

    [Fact]
    public void Last_page_has_no_next_link_and_an_empty_list_has_one_page()
    {
        var query = new PublicNoticeQuery { Kind = PublicNoticeKind.Yellow, Page = 1 };

        var empty = JsonSerializer.SerializeToNode(Extract.List(query, total: 0, []), ApiOptions)!;

        Assert.Null(empty["_links"]!["next"]);
        Assert.Equal("https://fr.actornet.example/notices/v1/yellow?resultPerPage=20&page=1", (string?)empty["_links"]!["last"]!["href"]);
        Assert.Empty(empty["_embedded"]!["notices"]!.AsArray());
        Assert.Equal(0, (int)empty["total"]!);
    }

    [Fact]
    public void Query_values_are_escaped_in_links()
    {
        var query = new PublicNoticeQuery { Kind = PublicNoticeKind.Red, Name = "O'BRIEN & SONS", Forename = "JOSÉ" };

        Assert.Equal("name=O%27BRIEN%20%26%20SONS&forename=JOS%C3%89&resultPerPage=20&page=1", query.QueryString(1));
    }

    [Fact]
    public void Defaults_are_page_one_and_twenty_per_page()
    {
        var (query, problems) = PublicNoticeQuery.Parse(PublicNoticeKind.Red, Parameters(("unknownParameter", "x")));

        Assert.Empty(problems);
        Assert.Equal((1, 20), (query!.Page, query.ResultPerPage));
    }

    [Theory]
    [InlineData("page", "0", "page '0' is not a whole number from 1")]
    [InlineData("page", "-1", "page '-1' is not a whole number from 1")]
    [InlineData("page", "two", "page 'two' is not a whole number from 1")]
    [InlineData("resultPerPage", "161", "resultPerPage '161' is not a whole number from 1 to 160")]
    [InlineData("resultPerPage", "0", "resultPerPage '0' is not a whole number from 1 to 160")]
    [InlineData("ageMin", "18.5", "ageMin '18.5' is not a whole number from 0 to 120")]
    [InlineData("ageMax", "121", "ageMax '121' is not a whole number from 0 to 120")]
    [InlineData("sexId", "X", "sexId 'X' is not F, M or U")]
    [InlineData("nationality", "FRA", "nationality 'FRA' is not a country: give an ISO 3166-1 alpha-2 code such as FR")]
    [InlineData("nationality", "ZZ", "nationality 'ZZ' is not a country")]
    [InlineData("nationality", "GS", "nationality 'GS' is not a country")]
    [InlineData("arrestWarrantCountryId", "1A", "arrestWarrantCountryId '1A' is not a country")]
    public void Bad_values_are_refused_naming_the_parameter(string parameter, string value, string message)
    {
        var (query, problems) = PublicNoticeQuery.Parse(PublicNoticeKind.Red, Parameters((parameter, value)));

        Assert.Null(query);
        var problem = Assert.Single(problems);
        Assert.Equal(parameter, problem.Parameter);
        Assert.StartsWith(message, problem.Message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var (_, problems) = PublicNoticeQuery.Parse(PublicNoticeKind.Yellow, Parameters(
            ("ageMin", "50"), ("ageMax", "20"), ("arrestWarrantCountryId", "FR"), ("name", new string('x', 101)), ("page", "1"), ("page", "2")));

        Assert.Equal(["page", "name", "ageMin", "arrestWarrantCountryId"], problems.Select(p => p.Parameter));
    }

    [Fact]
    public void Search_asks_for_published_public_notices_of_the_kind()
    {
        var (query, _) = PublicNoticeQuery.Parse(PublicNoticeKind.UnPersons, Parameters(("freeText", "al hassan"), ("ageMax", "40")));

        var search = query!.ToSearch(new DateOnly(2026, 11, 28));

        Assert.Equal(("un-special", "published", true, "al hassan", 40), (search.Type, search.State, search.IsPublic, search.Text, search.AgeMax));
        Assert.Empty(search.Problems());
    }

    [Theory]
    [InlineData("2026/12345", "2026-12345")]
    [InlineData("1993/27493", "1993-27493")]
    [InlineData("2014/5590", "2014-5590")]
    public void Entity_ids_map_between_JSON_and_URL_forms(string entityId, string url)
    {
        Assert.Equal(url, PublicEntityId.ToUrl(entityId));
        Assert.True(PublicEntityId.TryFromUrl(url, out var back));
        Assert.Equal(entityId, back);
    }

    [Theory]
    [InlineData("2026/12345")]
    [InlineData("26-12345")]
    [InlineData("2026-")]
    [InlineData("2026-12a45")]
    [InlineData("../2026-1")]
    public void Anything_else_in_a_URL_is_not_an_entity_id(string url) => Assert.False(PublicEntityId.TryFromUrl(url, out _));

    private static IEnumerable<KeyValuePair<string, string?>> Parameters(params (string Key, string? Value)[] pairs) =>
        pairs.Select(p => KeyValuePair.Create(p.Key, p.Value));

    private static void AssertJson<T>(string expected, T actual)
    {
        var expectedNode = JsonNode.Parse(expected)!;
        var actualNode = JsonSerializer.SerializeToNode(actual, ApiOptions)!;
        Assert.True(JsonNode.DeepEquals(expectedNode, actualNode),
            $"expected\n{expectedNode.ToJsonString()}\nactual\n{actualNode.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })}");
    }

    [Fact]
    public void Every_node_gives_a_notice_the_same_entity_id_dated_by_its_id()
    {
        var notice = new NoticeId("0192f0c4a1b27c3d8e9f0a1b2c3d4e5f".Remove(12, 1).Insert(12, "7"));
        var entityId = PublicEntityId.For(notice);

        Assert.True(PublicEntityId.IsValid(entityId));
        Assert.StartsWith(DateTimeOffset.FromUnixTimeMilliseconds(0x0192f0c4a1b2).Year + "/", entityId);
        Assert.Equal(entityId, PublicEntityId.For(new NoticeId(notice.Value)));
        Assert.NotEqual(entityId, PublicEntityId.For(NoticeId.New()));
    }
}
