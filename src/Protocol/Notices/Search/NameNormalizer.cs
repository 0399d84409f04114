using System.Text;

namespace ActorNet.Protocol.Notices.Search;

/// <summary>One word of a name after normalisation; <paramref name="Abjad"/> when it was written in Arabic script, without short vowels.</summary>
public readonly record struct NameWord(string Text, bool Abjad);

/// <summary>
/// Turns a name as written anywhere (any case, accents, Cyrillic, Greek or Arabic script, hyphens and apostrophes) into
/// lower-case Latin words: "Mohammed Al-Hassan" → mohammed, al, hassan; "O'Brien" → obrien; "Алексей" → aleksei.
/// </summary>
public static class NameNormalizer
{
    /// <summary>Words that join the next one in names written either way: "al-Hassan" / "Alhassan", "van der Berg" / "Vanderberg".</summary>
    public static IReadOnlySet<string> Particles { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "al", "el", "ul", "bin", "ben", "ibn", "bint", "abu", "abou", "abd", "abdul", "abdel", "abdal",
        "van", "von", "der", "den", "de", "del", "della", "dela", "di", "da", "du", "des", "dos", "das", "do",
        "la", "le", "ter", "ten", "o", "d", "l", "st",
    };

    /// <summary>The normalised words of <paramref name="text"/>, in order.</summary>
    public static IReadOnlyList<NameWord> Words(string? text)
    {
        var words = new List<NameWord>();
        if (string.IsNullOrWhiteSpace(text))
            return words;
        var word = new StringBuilder();
        foreach (var c in text)
        {
            // An apostrophe joins (O'Brien is OBrien, D'Angelo DAngelo); a hyphen, a dot or a space separates.
            if (c is '\'' or '\u2019' or '\u2018' or '\u02BC' or '\u02BB' or '`' or '\u00B4')
                continue;
            foreach (var f in NameFolding.Fold(c))
            {
                if (char.IsLetterOrDigit(f))
                    word.Append(f);
                else
                    Flush(word, words);
            }
        }
        Flush(word, words);
        return words;
    }

    public static bool IsParticle(string word) => Particles.Contains(word);

    private static void Flush(StringBuilder word, List<NameWord> words)
    {
        if (word.Length == 0)
            return;
        var folded = word.ToString();
        word.Clear();
        var abjad = folded.Any(Transliteration.IsArabic);
        // The Arabic article is written joined to its noun (الحسن); split it off so that it works as the particle al-,
        // except in a word the transliteration table knows whole (الله).
        if (abjad && folded.Length > 3 && folded.StartsWith("ال", StringComparison.Ordinal) && !Transliteration.KnowsWord(folded))
        {
            words.Add(new NameWord("al", false));
            folded = folded[2..];
        }
        var latin = Transliteration.ToLatin(folded);
        if (latin.Length > 0)
            words.Add(new NameWord(latin, abjad));
    }
}
