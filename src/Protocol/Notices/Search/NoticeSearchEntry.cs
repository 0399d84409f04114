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
    IReadOnlyList<string>? WarrantCountries = null)
{
    /// <summary>
    /// What the index keeps of a notice <paramref name="requestedBy"/> asked for: the subject's name with the forename, each alias
    /// and each name in its original script (as family names), and the requesting country as the issuer of its warrant.
    /// </summary>
    public static NoticeSearchEntry Of(NoticeId notice, BureauCode requestedBy, NoticeContent content, string state, bool isPublic)
    {
        var s = content.Subject;
        var names = new List<PersonName>();
        if (s.Name is not null || s.Forename is not null)
            names.Add(new PersonName(s.Forename, s.Name));
        names.AddRange(s.Aliases.Concat(s.OriginalScriptNames).Select(n => new PersonName(null, n)));
        return new NoticeSearchEntry(notice.Value, names, content.Type.Name, state, s.Nationalities, s.DateOfBirth, s.Sex, isPublic,
            content.Warrant is null ? null : [requestedBy.Value]);
    }

    /// <summary>A notice known only by what is kept in clear (its content does not open here yet): found by filters, never by name.</summary>
    public static NoticeSearchEntry Bare(NoticeId notice, string type, string state) => new(notice.Value, [], type, state, []);
}
