namespace ActorNet.Protocol.Notices;

/// <summary>
/// What a notice says, as it travels and rests sealed: the subject's identity particulars and what the type requires.
/// Built only by <see cref="NoticeValidator"/> from a request, or decoded from a sealed document.
/// </summary>
/// <param name="Details">Free text the type calls for: circumstances of a disappearance (yellow), where a body was found (black),
/// the threat (orange), the modus operandi (purple), the assets sought (silver), the information sought (blue) or the activity warned of (green).</param>
/// <param name="SanctionsReference">The UN Security Council sanctions list entry (un-special), e.g. <c>QDi.001</c>.</param>
/// <param name="Attachments">References to photos and fingerprint records held by the requesting bureau, not the files.</param>
public sealed record NoticeContent(
    NoticeType Type,
    SubjectParticulars Subject,
    string? Offence,
    Warrant? Warrant,
    string? Details,
    string? SanctionsReference,
    IReadOnlyList<string> Attachments);

/// <summary>Who the notice is about.</summary>
/// <param name="OriginalScriptNames">The names as written in their own script (Arabic, Cyrillic, Han, ...).</param>
/// <param name="Sex"><c>M</c>, <c>F</c> or <c>U</c> (unknown).</param>
/// <param name="Nationalities">ISO 3166-1 alpha-2 codes.</param>
public sealed record SubjectParticulars(
    string? Name,
    string? Forename,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string> OriginalScriptNames,
    PartialDate? DateOfBirth,
    string? Sex,
    IReadOnlyList<string> Nationalities,
    string? PlaceOfBirth,
    string? Description)
{
    public static SubjectParticulars None { get; } = new(null, null, [], [], null, null, [], null, null);

    /// <summary>Every name the subject is known by: the name with the forename, aliases and original-script names.</summary>
    public IEnumerable<string> AllNames()
    {
        var full = string.Join(' ', new[] { Forename, Name }.Where(n => !string.IsNullOrWhiteSpace(n)));
        if (full.Length > 0)
            yield return full;
        foreach (var n in Aliases.Concat(OriginalScriptNames))
            yield return n;
    }
}

/// <summary>The arrest warrant or court decision a red notice rests on.</summary>
/// <param name="ExpiresOn">When the warrant lapses (statute of limitations), when the issuing authority says so.</param>
public sealed record Warrant(string IssuedBy, DateOnly Date, string Charge, DateOnly? ExpiresOn = null);
