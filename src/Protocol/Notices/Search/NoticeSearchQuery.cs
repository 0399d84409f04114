namespace ActorNet.Protocol.Notices.Search;

/// <summary>A search of the notice index; every criterion given must hold.</summary>
public sealed record NoticeSearchQuery
{
    public const int MaxPageSize = 1000;

    /// <summary>Words of any part of any one of the subject's names (<c>q=</c>).</summary>
    public string? Text { get; init; }
    /// <summary>Words of the forename only.</summary>
    public string? Forename { get; init; }
    /// <summary>Words of the family name only.</summary>
    public string? Name { get; init; }
    public string? Type { get; init; }
    public string? State { get; init; }
    public string? Nationality { get; init; }
    public string? Sex { get; init; }
    public string? WarrantCountry { get; init; }
    /// <summary>Only notices marked public (true) or not public (false); null for both.</summary>
    public bool? IsPublic { get; init; }
    /// <summary>Born on or after this day; a partial date of birth matches if any day it may stand for fits.</summary>
    public DateOnly? BornFrom { get; init; }
    /// <summary>Born on or before this day.</summary>
    public DateOnly? BornTo { get; init; }
    public int? AgeMin { get; init; }
    public int? AgeMax { get; init; }
    /// <summary>The day ages are counted on; required with <see cref="AgeMin"/> or <see cref="AgeMax"/>.</summary>
    public DateOnly? Today { get; init; }
    /// <summary>From 1.</summary>
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 20;

    /// <summary>What is wrong with this query, one sentence each; empty when it can run.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Page < 1)
            problems.Add($"page must be 1 or more, not {Page}");
        if (PageSize is < 1 or > MaxPageSize)
            problems.Add($"pageSize must be between 1 and {MaxPageSize}, not {PageSize}");
        if (AgeMin is < 0 or > 150)
            problems.Add($"ageMin must be between 0 and 150, not {AgeMin}");
        if (AgeMax is < 0 or > 150)
            problems.Add($"ageMax must be between 0 and 150, not {AgeMax}");
        if (AgeMin > AgeMax)
            problems.Add($"ageMin ({AgeMin}) is above ageMax ({AgeMax})");
        if ((AgeMin is not null || AgeMax is not null) && Today is null)
            problems.Add("an age range needs the day to count ages on (Today)");
        if (BornFrom > BornTo)
            problems.Add($"the date of birth range is empty: from {BornFrom:yyyy-MM-dd} is after to {BornTo:yyyy-MM-dd}");
        return problems;
    }

    /// <summary>The dates of birth this query accepts, age range included, as one inclusive interval.</summary>
    public (DateOnly? From, DateOnly? To) BirthRange()
    {
        var (from, to) = (BornFrom, BornTo);
        if (Today is { } today)
        {
            // At least AgeMin years old: born on or before today minus AgeMin years.
            if (AgeMin is { } min && (to is null || today.AddYears(-min) < to))
                to = today.AddYears(-min);
            // At most AgeMax years old: not yet AgeMax + 1, so born after today minus AgeMax + 1 years.
            if (AgeMax is { } max && (from is null || today.AddYears(-(max + 1)).AddDays(1) > from))
                from = today.AddYears(-(max + 1)).AddDays(1);
        }
        return (from, to);
    }
}

/// <summary>One notice found, with how well its names answer the query (1 when only filters were given).</summary>
public sealed record NoticeSearchHit(string NoticeId, double Score);

/// <summary>A page of hits, best first, and how many notices match in all.</summary>
public sealed record NoticeSearchResult(int Total, IReadOnlyList<NoticeSearchHit> Hits);
