using System.Globalization;
using ActorNet.Protocol.Notices.Search;

namespace ActorNet.Protocol.Notices.PublicExtract;

/// <summary>What is wrong with one query parameter, said so that the caller can fix it.</summary>
public sealed record PublicQueryProblem(string Parameter, string Message);

/// <summary>The parameters of <c>GET /notices/v1/red</c> (and yellow, UN persons), read and checked.</summary>
public sealed record PublicNoticeQuery
{
    public const int DefaultResultPerPage = 20;
    public const int MaxResultPerPage = 160;
    public const int MaxAge = 120;
    private const int MaxTextLength = 100;

    public required PublicNoticeKind Kind { get; init; }
    public string? Forename { get; init; }
    public string? Name { get; init; }
    public string? Nationality { get; init; }
    public int? AgeMin { get; init; }
    public int? AgeMax { get; init; }
    public string? FreeText { get; init; }
    public string? SexId { get; init; }
    public string? ArrestWarrantCountryId { get; init; }
    public int Page { get; init; } = 1;
    public int ResultPerPage { get; init; } = DefaultResultPerPage;

    /// <summary>
    /// Reads the query string's parameters. Unknown parameters are ignored, as INTERPOL's service does; an empty value
    /// counts as not given. Each bad value gives a problem naming the parameter and what it accepts.
    /// </summary>
    public static (PublicNoticeQuery? Query, IReadOnlyList<PublicQueryProblem> Problems) Parse(
        PublicNoticeKind kind, IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var problems = new List<PublicQueryProblem>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in parameters)
        {
            if (string.IsNullOrWhiteSpace(value))
                continue;
            if (!values.TryAdd(key, value.Trim()))
                problems.Add(new(key, $"{key} is given more than once: give it once"));
        }

        var query = new PublicNoticeQuery
        {
            Kind = kind,
            Forename = Text("forename"),
            Name = Text("name"),
            FreeText = Text("freeText"),
            Nationality = Country("nationality"),
            ArrestWarrantCountryId = Country("arrestWarrantCountryId"),
            AgeMin = Number("ageMin", 0, MaxAge),
            AgeMax = Number("ageMax", 0, MaxAge),
            SexId = Sex(),
            Page = Number("page", 1, int.MaxValue) ?? 1,
            ResultPerPage = Number("resultPerPage", 1, MaxResultPerPage) ?? DefaultResultPerPage,
        };
        if (query.AgeMin > query.AgeMax)
            problems.Add(new("ageMin", $"ageMin ({query.AgeMin}) is above ageMax ({query.AgeMax}): swap them"));
        if (query.ArrestWarrantCountryId is not null && kind != PublicNoticeKind.Red)
            problems.Add(new("arrestWarrantCountryId", "arrestWarrantCountryId applies to red notices only"));
        return problems.Count == 0 ? (query, problems) : (null, problems);

        string? Text(string parameter)
        {
            if (!values.TryGetValue(parameter, out var text))
                return null;
            if (text.Length <= MaxTextLength)
                return text;
            problems.Add(new(parameter, $"{parameter} is {text.Length} characters long: give at most {MaxTextLength}"));
            return null;
        }

        string? Country(string parameter)
        {
            if (!values.TryGetValue(parameter, out var code))
                return null;
            if (BureauCode.TryParse(code, out var country) && !country!.IsSecretariat)
                return country.Value;
            problems.Add(new(parameter, $"{parameter} '{code}' is not a country: give an ISO 3166-1 alpha-2 code such as FR"));
            return null;
        }

        int? Number(string parameter, int min, int max)
        {
            if (!values.TryGetValue(parameter, out var text))
                return null;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
                return number;
            var range = max == int.MaxValue ? $"a whole number from {min}" : $"a whole number from {min} to {max}";
            problems.Add(new(parameter, $"{parameter} '{text}' is not {range}"));
            return null;
        }

        string? Sex()
        {
            if (!values.TryGetValue("sexId", out var sex))
                return null;
            var upper = sex.ToUpperInvariant();
            if (upper is "F" or "M" or "U")
                return upper;
            problems.Add(new("sexId", $"sexId '{sex}' is not F, M or U"));
            return null;
        }
    }

    /// <summary>The index search this query stands for: published public notices of its kind, ages counted on <paramref name="today"/>.</summary>
    public NoticeSearchQuery ToSearch(DateOnly today) => new()
    {
        Text = FreeText,
        Forename = Forename,
        Name = Name,
        Nationality = Nationality,
        Sex = SexId,
        WarrantCountry = ArrestWarrantCountryId,
        AgeMin = AgeMin,
        AgeMax = AgeMax,
        Today = today,
        Type = Kind.NoticeType,
        State = "published",
        IsPublic = true,
        Page = Page,
        PageSize = ResultPerPage,
    };

    /// <summary>The query string of this query at <paramref name="page"/>, parameters in INTERPOL's order.</summary>
    public string QueryString(int page)
    {
        var pairs = new List<(string, string?)>
        {
            ("name", Name), ("forename", Forename), ("nationality", Nationality), ("freeText", FreeText),
            ("ageMin", AgeMin?.ToString(CultureInfo.InvariantCulture)), ("ageMax", AgeMax?.ToString(CultureInfo.InvariantCulture)),
            ("sexId", SexId), ("arrestWarrantCountryId", ArrestWarrantCountryId),
            ("resultPerPage", ResultPerPage.ToString(CultureInfo.InvariantCulture)), ("page", page.ToString(CultureInfo.InvariantCulture)),
        };
        return string.Join('&', pairs.Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
    }

    public PublicQueryEcho Echo() =>
        new(Page, ResultPerPage, Name, Forename, Nationality, FreeText, AgeMin, AgeMax, SexId, ArrestWarrantCountryId);
}
