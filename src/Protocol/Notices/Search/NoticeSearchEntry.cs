namespace ActorNet.Protocol.Notices.Search;

/// <summary>What the search index keeps of one notice: the names it is found by and the facets it is filtered by.</summary>
/// <param name="Names">Every name of the subject: the name itself, aliases, names in the original script.</param>
/// <param name="Type">red, yellow, ... (compared ignoring case).</param>
/// <param name="State">pending-review, published, rejected, cancelled (compared ignoring case).</param>
/// <param name="Nationalities">ISO 3166-1 alpha-2 codes.</param>
/// <param name="Sex"><c>F</c>, <c>M</c> or <c>U</c>.</param>
/// <param name="IsPublic">Whether the requesting bureau allowed the public extract.</param>
/// <param name="WarrantCountries">Countries that issued the arrest warrants (red notices), alpha-2.</param>
public sealed record NoticeSearchEntry(
    string NoticeId,
    IReadOnlyList<PersonName> Names,
    string Type,
    string State,
    IReadOnlyList<string> Nationalities,
    PartialDate? DateOfBirth = null,
    string? Sex = null,
    bool IsPublic = false,
    IReadOnlyList<string>? WarrantCountries = null);
