using System.Collections.Frozen;
using System.Text;

namespace ActorNet.Protocol.Notices;

/// <summary>One thing the automatic compliance check found: GS's reviewer reads it before deciding. Never quotes the subject's names.</summary>
/// <param name="Code">missing-identifiers, article-3, minor-offence or expired-warrant.</param>
/// <param name="Field">The JSON path the finding is about.</param>
public sealed record ComplianceFinding(string Code, string Field, string Detail)
{
    public const string MissingIdentifiers = "missing-identifiers";
    public const string Article3 = "article-3";
    public const string MinorOffence = "minor-offence";
    public const string ExpiredWarrant = "expired-warrant";
}

/// <summary>
/// The automatic part of GS's review, run on every request before a reviewer sees it. Keyword-based: it flags for a person to
/// judge, it never decides. Article 3 of INTERPOL's Constitution forbids "any intervention or activities of a political, military,
/// religious or racial character"; Article 83 of INTERPOL's Rules on the Processing of Data keeps red notices for serious
/// ordinary-law crimes. The word lists are <see cref="ComplianceWords"/>.
/// </summary>
public static class ComplianceCheck
{
    public static IReadOnlyList<ComplianceFinding> Run(NoticeContent content, DateOnly today)
    {
        var findings = new List<ComplianceFinding>();
        var subject = content.Subject;
        if (content.Type.IsAboutPerson)
        {
            if (subject.Forename is null)
                findings.Add(new(ComplianceFinding.MissingIdentifiers, NoticeField.SubjectForename, "no forename: the subject may be confused with others of that name"));
            if (subject.DateOfBirth is null)
                findings.Add(new(ComplianceFinding.MissingIdentifiers, NoticeField.DateOfBirth, "no date of birth, not even a year"));
            if (subject.Nationalities.Count == 0)
                findings.Add(new(ComplianceFinding.MissingIdentifiers, NoticeField.Nationalities, "no nationality"));
            if (subject.Sex is null)
                findings.Add(new(ComplianceFinding.MissingIdentifiers, NoticeField.Sex, "no sex"));
            if (content.Attachments.Count == 0 && subject.Description is null)
                findings.Add(new(ComplianceFinding.MissingIdentifiers, "attachments",
                    "no photo, fingerprints or physical description: name and date of birth alone may not identify the subject"));
        }

        foreach (var (field, text) in new[] { (NoticeField.Offence, content.Offence), (NoticeField.WarrantCharge, content.Warrant?.Charge), (NoticeField.Details, content.Details) })
        {
            if (text is null)
                continue;
            var folded = Fold(text);
            foreach (var (character, words) in ComplianceWords.Article3)
                if (Matches(folded, words) is { } word)
                    findings.Add(new(ComplianceFinding.Article3, field,
                        $"mentions '{word}': an offence of a {character} character falls under Article 3 of INTERPOL's Constitution"));
            if (content.Type == NoticeType.Red && Matches(folded, ComplianceWords.MinorOffences) is { } minor)
                findings.Add(new(ComplianceFinding.MinorOffence, field,
                    $"mentions '{minor}': a red notice is for a serious ordinary-law crime, not a minor offence or a private matter"));
        }

        if (content.Warrant?.ExpiresOn is { } expires && expires < today)
            findings.Add(new(ComplianceFinding.ExpiredWarrant, NoticeField.WarrantExpiresOn, $"the warrant expired on {expires:yyyy-MM-dd}"));
        return findings;
    }

    /// <summary>The first listed word or phrase the text contains as whole words (a trailing * matches any ending).</summary>
    private static string? Matches(string folded, IReadOnlyList<string> words)
    {
        foreach (var word in words)
        {
            var stem = word.TrimEnd('*');
            var prefix = word.EndsWith('*');
            for (var at = folded.IndexOf(stem, StringComparison.Ordinal); at >= 0; at = folded.IndexOf(stem, at + 1, StringComparison.Ordinal))
            {
                var startsWord = at == 0 || !char.IsLetterOrDigit(folded[at - 1]);
                var end = at + stem.Length;
                var endsWord = prefix || end == folded.Length || !char.IsLetterOrDigit(folded[end]);
                if (startsWord && endsWord)
                    return word;
            }
        }
        return null;
    }

    /// <summary>Lower case, without diacritics, punctuation as spaces: "Lèse-majesté" reads "lese majeste".</summary>
    /// <remarks>A table, not Unicode normalization: the node runs with invariant globalization, where normalization leaves accents in place.</remarks>
    internal static string Fold(string text)
    {
        var folded = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            if (c < 128)
                folded.Append(char.IsLetterOrDigit(c) ? c : ' ');
            else if (Latin.TryGetValue(c, out var plain))
                folded.Append(plain);
            else
                folded.Append(char.IsLetterOrDigit(c) ? c : ' ');
        }
        return folded.ToString();
    }

    private static readonly FrozenDictionary<char, string> Latin = new (string Accented, string Plain)[]
    {
        ("àáâãäåāăą", "a"), ("çćĉċč", "c"), ("ďđ", "d"), ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"), ("ĥħ", "h"), ("ìíîïĩīĭįı", "i"), ("ĵ", "j"),
        ("ķ", "k"), ("ĺļľŀł", "l"), ("ñńņňŉ", "n"), ("òóôõöøōŏő", "o"), ("ŕŗř", "r"), ("śŝşšș", "s"), ("ţťŧț", "t"),
        ("ùúûüũūŭůűų", "u"), ("ŵ", "w"), ("ýÿŷ", "y"), ("źżž", "z"),
    }.SelectMany(p => p.Accented.Select(c => (Letter: c, p.Plain)))
        .Concat([('ß', "ss"), ('æ', "ae"), ('œ', "oe"), ('þ', "th"), ('ð', "d")])
        .ToFrozenDictionary(p => p.Item1, p => p.Item2);
}

/// <summary>
/// The words that make the compliance check flag a request, in lower case without diacritics (English and French, the
/// working languages most requests arrive in); a trailing * matches any ending. Extend them here; docs/notices.md says why each is there.
/// </summary>
public static class ComplianceWords
{
    public static IReadOnlyList<(string Character, IReadOnlyList<string> Words)> Article3 { get; } =
    [
        ("political", ["political", "politique", "opposition", "dissident*", "protest*", "demonstration", "manifestation", "sedition*", "treason",
            "trahison", "lese majeste", "insulting the president", "insulting the head of state", "offense au chef de l etat", "election*",
            "separatis*", "subversi*", "regime"]),
        ("military", ["military", "militaire", "desert*", "insubordination", "mutiny", "mutinerie", "conscription", "draft evasion",
            "insoumission", "espionage", "espionnage"]),
        ("religious", ["religio*", "blasphem*", "apostas*", "apostat*", "heresy", "heresie", "proselyti*", "sacrilege", "insulting the prophet"]),
        ("racial", ["racial", "race", "ethnic*", "ethnique", "tribal", "caste"]),
    ];

    public static IReadOnlyList<string> MinorOffences { get; } =
    [
        "traffic", "parking", "speeding", "stationnement", "exces de vitesse", "defamation", "diffamation", "libel", "slander", "insult*",
        "injure", "debt", "dette", "unpaid", "impaye", "bounced cheque", "bounced check", "cheque sans provision", "adultery", "adultere",
        "misdemeanour", "misdemeanor", "petty", "shoplifting", "trespass*", "private dispute", "family dispute", "civil dispute",
        "contravention", "minor offence", "minor offense",
    ];
}
