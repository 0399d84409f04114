using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Notices.Search;
using Xunit;

namespace ActorNet.Protocol.Tests.Notices;


public sealed class NoticeSearchIndexTests : IDisposable
{
    private readonly NoticeSearchIndex _index = new();

    public NoticeSearchIndexTests()
    {
        Add("n1", "Mohammed", "Al-Hassan", type: "red", nationalities: ["SY"], born: "1980-04-02", sex: "M", isPublic: true, warrants: ["FR"]);
        Add("n2", "Muhammad", "Hassan", type: "red", nationalities: ["EG"], born: "1975", sex: "M");
        Add("n3", "Ivana", "Petrova", type: "yellow", nationalities: ["RU"], born: "2010-06", sex: "F");
        Add("n4", "Ivan", "Petrov", type: "red", state: "cancelled", nationalities: ["RU", "UA"], born: "1969-12-31", sex: "M");
        Add("n5", "José", "García", type: "blue", nationalities: ["ES"], sex: "M");
    }

    public void Dispose() => _index.Dispose();

    [Fact]
    public void Finds_by_name_in_any_spelling_exact_first()
    {
        var result = _index.Search(new NoticeSearchQuery { Text = "muhammad alhassan" });

        Assert.Equal(["n1"], Ids(result));
        var both = _index.Search(new NoticeSearchQuery { Text = "mohammed hassan" });
        Assert.Equal(["n1", "n2"], Ids(both));
        Assert.True(both.Hits[0].Score > both.Hits[1].Score);
    }

    [Theory]
    [InlineData("mohammed")]
    [InlineData("muhamad")]
    [InlineData("moham")]
    [InlineData("hassan")]
    [InlineData("petrov")]
    [InlineData("ivan")]
    [InlineData("al hassan")]
    public void Scores_are_the_matchers_whichever_way_the_index_takes(string text)
    {
        Add("n6", "Mohammedou", "Hassanein", nationalities: ["MR"]);
        Add("n7", "Mehmet", "Petrovic", nationalities: ["TR"]);
        var notices = new Dictionary<string, PersonName>
        {
            ["n1"] = new("Mohammed", "Al-Hassan"), ["n2"] = new("Muhammad", "Hassan"), ["n3"] = new("Ivana", "Petrova"),
            ["n4"] = new("Ivan", "Petrov"), ["n5"] = new("José", "García"), ["n6"] = new("Mohammedou", "Hassanein"),
            ["n7"] = new("Mehmet", "Petrovic"),
        };
        var query = NameQuery.Parse(text);
        var expected = notices
            .Select(n => (Id: n.Key, Score: NameMatcher.Score(query, IndexedName.Of(n.Value))))
            .Where(n => n.Score is not null)
            .OrderByDescending(n => n.Score).ThenByDescending(n => n.Id)
            .Select(n => $"{n.Id}:{n.Score}");

        var actual = _index.Search(new NoticeSearchQuery { Text = text }).Hits.Select(h => $"{h.NoticeId}:{h.Score}");

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Filters_by_type_state_nationality_sex_public_flag_and_warrant_country()
    {
        Assert.Equal(["n4", "n2", "n1"], Ids(_index.Search(new NoticeSearchQuery { Type = "RED" })));
        Assert.Equal(["n2", "n1"], Ids(_index.Search(new NoticeSearchQuery { Type = "red", State = "published" })));
        Assert.Equal(["n4", "n3"], Ids(_index.Search(new NoticeSearchQuery { Nationality = "ru" })));
        Assert.Equal(["n3"], Ids(_index.Search(new NoticeSearchQuery { Sex = "F" })));
        Assert.Equal(["n1"], Ids(_index.Search(new NoticeSearchQuery { IsPublic = true })));
        Assert.Equal(["n1"], Ids(_index.Search(new NoticeSearchQuery { WarrantCountry = "FR", Text = "hassan" })));
    }

    [Fact]
    public void Partial_dates_of_birth_match_when_any_day_they_stand_for_is_in_range()
    {
        var from1975To1980 = new NoticeSearchQuery { BornFrom = new DateOnly(1975, 6, 1), BornTo = new DateOnly(1980, 4, 1) };
        // n2 born "1975" may be after June 1975; n1 born 1980-04-02 is a day too late; n5 has no date of birth.
        Assert.Equal(["n2"], Ids(_index.Search(from1975To1980)));

        var teenagers = new NoticeSearchQuery { AgeMin = 13, AgeMax = 19, Today = new DateOnly(2026, 11, 28) };
        Assert.Equal(["n3"], Ids(_index.Search(teenagers)));

        // n4, born 1969-12-31, turns 57 on 2026-12-31 and not a day before.
        var fiftySeven = new NoticeSearchQuery { AgeMin = 57, AgeMax = 57, Today = new DateOnly(2026, 12, 31) };
        Assert.Equal(["n4"], Ids(_index.Search(fiftySeven)));
        Assert.Empty(Ids(_index.Search(fiftySeven with { Today = new DateOnly(2026, 12, 30) })));
    }

    [Fact]
    public void Forename_and_name_queries_look_at_their_own_part()
    {
        Assert.Equal(["n4"], Ids(_index.Search(new NoticeSearchQuery { Forename = "ivan", Name = "petrov" })));
        Assert.Empty(Ids(_index.Search(new NoticeSearchQuery { Forename = "petrov" })));
    }

    [Fact]
    public void Update_replaces_the_names_and_remove_forgets_the_notice()
    {
        Add("n5", "Josef", "Novák", type: "blue", nationalities: ["CZ"]);

        Assert.Empty(Ids(_index.Search(new NoticeSearchQuery { Text = "garcia" })));
        Assert.Equal(["n5"], Ids(_index.Search(new NoticeSearchQuery { Text = "novak" })));
        Assert.Empty(Ids(_index.Search(new NoticeSearchQuery { Nationality = "ES" })));
        Assert.Equal(["n5"], Ids(_index.Search(new NoticeSearchQuery { Nationality = "CZ", Type = "blue" })));
        Assert.True(_index.Remove("n5"));
        Assert.Empty(Ids(_index.Search(new NoticeSearchQuery { Nationality = "CZ" })));
        Assert.False(_index.Remove("n5"));
        Assert.Empty(Ids(_index.Search(new NoticeSearchQuery { Text = "novak" })));
        Assert.Equal(4, _index.Count);
    }

    [Fact]
    public void Pages_count_from_one_and_total_counts_every_match()
    {
        for (var i = 0; i < 45; i++)
            Add($"x{i:D2}", "Omar", $"Test{i}", type: "red", nationalities: ["JO"]);

        var page3 = _index.Search(new NoticeSearchQuery { Text = "omar", Page = 3, PageSize = 20 });

        Assert.Equal(45, page3.Total);
        Assert.Equal(5, page3.Hits.Count);
        Assert.Equal("x04", page3.Hits[0].NoticeId);
        Assert.Empty(_index.Search(new NoticeSearchQuery { Text = "omar", Page = 4 }).Hits);
        // An early page of many matches is picked without sorting them all: same order.
        var page2 = _index.Search(new NoticeSearchQuery { Text = "omar", Page = 2, PageSize = 5 });
        Assert.Equal(["x39", "x38", "x37", "x36", "x35"], Ids(page2));
    }

    [Theory]
    [InlineData(0, 20, null, null, "page must be 1 or more")]
    [InlineData(1, 0, null, null, "pageSize must be between 1 and 1000")]
    [InlineData(1, 20, 30, 20, "ageMin (30) is above ageMax (20)")]
    [InlineData(1, 20, -1, null, "ageMin must be between 0 and 150")]
    public void A_bad_query_is_refused_with_what_to_fix(int page, int pageSize, int? ageMin, int? ageMax, string problem)
    {
        var query = new NoticeSearchQuery { Page = page, PageSize = pageSize, AgeMin = ageMin, AgeMax = ageMax, Today = new DateOnly(2026, 1, 1) };

        var error = Assert.Throws<ArgumentException>(() => _index.Search(query));
        Assert.Contains(problem, error.Message);
    }

    [Theory]
    [InlineData("1980", "1980", "1980-01-01", "1980-12-31")]
    [InlineData("1980/02", "1980-02", "1980-02-01", "1980-02-29")]
    [InlineData("1980-04-02", "1980-04-02", "1980-04-02", "1980-04-02")]
    public void Partial_dates_read_and_bound(string text, string iso, string earliest, string latest)
    {
        var date = PartialDate.ParseQuery(text);

        Assert.Equal(iso, date.ToString());
        Assert.Equal(iso.Replace('-', '/'), date.ToInterpolString());
        Assert.Equal(DateOnly.Parse(earliest), date.Earliest);
        Assert.Equal(DateOnly.Parse(latest), date.Latest);
    }

    [Theory]
    [InlineData("80-04-02")]
    [InlineData("1980-13")]
    [InlineData("1981-02-29")]
    [InlineData("1980-4-2")]
    [InlineData("yesterday")]
    public void Bad_dates_say_what_is_wrong(string text)
    {
        Assert.False(PartialDate.TryParseQuery(text, out _, out var error));
        Assert.StartsWith($"'{text}' is not a date", error);
    }

    [Fact]
    public async Task Readers_search_while_a_writer_adds()
    {
        using var index = new NoticeSearchIndex();
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
                index.Upsert(new NoticeSearchEntry($"w{i}", [new PersonName("Omar", $"Name{i}")], "red", "published", ["JO"]));
        });
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var last = 0;
            while (!writer.IsCompleted)
            {
                var total = index.Search(new NoticeSearchQuery { Text = "omar" }).Total;
                Assert.True(total >= last, "a reader must never see the index shrink while it only grows");
                last = total;
            }
        })).ToArray();

        await Task.WhenAll([writer, .. readers]).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2000, index.Search(new NoticeSearchQuery { Text = "omar" }).Total);
    }

    private void Add(string id, string forename, string name, string type = "red", string state = "published",
        string[]? nationalities = null, string? born = null, string? sex = null, bool isPublic = false, string[]? warrants = null) =>
        _index.Upsert(new NoticeSearchEntry(id, [new PersonName(forename, name)], type, state, nationalities ?? [],
            born is null ? null : PartialDate.Parse(born), sex, isPublic, warrants));

    private static string[] Ids(NoticeSearchResult result) => result.Hits.Select(h => h.NoticeId).ToArray();
}
