using System.Text;

namespace ActorNet.Protocol.Notices.Search;

/// <summary>
/// Writes a folded Cyrillic, Greek or Arabic word in Latin letters, the way passports and name lists most often do
/// (Russian/Ukrainian/Serbian passport tables, Greek ELOT 743, a plain Arabic table).
/// </summary>
/// <remarks>
/// One Latin form per word is enough: other transliterations of the same name (Aleksei, Alexey, Alexei) meet it through
/// <see cref="PhoneticKey"/>. Input is already folded by <see cref="NameFolding"/> (lower case, no accents: ё is е, й is и).
/// </remarks>
internal static class Transliteration
{
    private static readonly Dictionary<char, string> Cyrillic = new()
    {
        ['а'] = "a", ['б'] = "b", ['в'] = "v", ['г'] = "g", ['д'] = "d", ['е'] = "e", ['ж'] = "zh", ['з'] = "z",
        ['и'] = "i", ['к'] = "k", ['л'] = "l", ['м'] = "m", ['н'] = "n", ['о'] = "o", ['п'] = "p", ['р'] = "r",
        ['с'] = "s", ['т'] = "t", ['у'] = "u", ['ф'] = "f", ['х'] = "kh", ['ц'] = "ts", ['ч'] = "ch", ['ш'] = "sh",
        ['щ'] = "shch", ['ъ'] = "", ['ы'] = "y", ['ь'] = "", ['э'] = "e", ['ю'] = "yu", ['я'] = "ya",
        // Ukrainian, Belarusian, Serbian, Macedonian
        ['є'] = "ye", ['і'] = "i", ['ґ'] = "g", ['ђ'] = "dj", ['ј'] = "j", ['љ'] = "lj", ['њ'] = "nj", ['ћ'] = "c",
        ['џ'] = "dz", ['ѕ'] = "dz",
    };

    private static readonly Dictionary<char, string> Greek = new()
    {
        ['α'] = "a", ['β'] = "v", ['γ'] = "g", ['δ'] = "d", ['ε'] = "e", ['ζ'] = "z", ['η'] = "i", ['θ'] = "th",
        ['ι'] = "i", ['κ'] = "k", ['λ'] = "l", ['μ'] = "m", ['ν'] = "n", ['ξ'] = "x", ['ο'] = "o", ['π'] = "p",
        ['ρ'] = "r", ['σ'] = "s", ['ς'] = "s", ['τ'] = "t", ['υ'] = "y", ['φ'] = "f", ['χ'] = "ch", ['ψ'] = "ps",
        ['ω'] = "o",
    };

    // ELOT 743 digraphs; μπ and ντ are b and d at the start of a word only.
    private static readonly (string Greek, string Latin)[] GreekPairs =
    [
        ("ου", "ou"), ("αυ", "av"), ("ευ", "ev"), ("γγ", "ng"), ("γκ", "gk"), ("γξ", "nx"), ("γχ", "nch"),
    ];

    private static readonly Dictionary<char, string> Arabic = new()
    {
        ['ا'] = "a", ['ب'] = "b", ['ت'] = "t", ['ث'] = "th", ['ج'] = "j", ['ح'] = "h", ['خ'] = "kh", ['د'] = "d",
        ['ذ'] = "dh", ['ر'] = "r", ['ز'] = "z", ['س'] = "s", ['ش'] = "sh", ['ص'] = "s", ['ض'] = "d", ['ط'] = "t",
        ['ظ'] = "z", ['ع'] = "", ['غ'] = "gh", ['ف'] = "f", ['ق'] = "q", ['ك'] = "k", ['ل'] = "l", ['م'] = "m",
        ['ن'] = "n", ['ه'] = "h", ['ة'] = "a", ['ى'] = "a", ['ء'] = "",
        // Persian and Urdu letters
        ['پ'] = "p", ['چ'] = "ch", ['ژ'] = "zh", ['گ'] = "g", ['ک'] = "k", ['ی'] = "i", ['ٱ'] = "a",
    };

    // Whole words whose usual Latin form the letters alone do not give.
    private static readonly Dictionary<string, string> ArabicWords = new()
    {
        ["الله"] = "allah",
    };

    public static bool KnowsWord(string word) => ArabicWords.ContainsKey(word);

    public static bool IsCyrillic(char c) => c is >= '\u0400' and <= '\u04FF';
    public static bool IsGreek(char c) => c is >= '\u0370' and <= '\u03FF';
    public static bool IsArabic(char c) => c is >= '\u0600' and <= '\u06FF';

    /// <summary>
    /// The word in Latin letters; a word in another script (or Latin already) comes back unchanged. A word mixing
    /// scripts (a Cyrillic а typed in "Ivаn") is read by the table of its first non-Latin letter, Latin letters kept.
    /// </summary>
    public static string ToLatin(string word)
    {
        foreach (var c in word)
        {
            if (IsArabic(c))
                return ArabicToLatin(word);
            if (IsGreek(c))
                return GreekToLatin(word);
            if (IsCyrillic(c))
                return CyrillicToLatin(word);
        }
        return word;
    }

    private static string CyrillicToLatin(string word)
    {
        var latin = new StringBuilder(word.Length + 4);
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            // ый, ий at the end of a word (Навальный) are written y, i: й was folded to и by NameFolding.
            if (c == 'и' && i == word.Length - 1 && i > 0 && word[i - 1] is 'ы' or 'и')
                continue;
            latin.Append(Cyrillic.TryGetValue(c, out var l) ? l : c.ToString());
        }
        return latin.ToString();
    }

    private static string GreekToLatin(string word)
    {
        var latin = new StringBuilder(word.Length + 4);
        for (var i = 0; i < word.Length; i++)
        {
            if (i == 0 && word.Length > 1 && word[0] == 'μ' && word[1] == 'π') { latin.Append('b'); i++; continue; }
            if (i == 0 && word.Length > 1 && word[0] == 'ν' && word[1] == 'τ') { latin.Append('d'); i++; continue; }
            var pair = i + 1 < word.Length ? GreekPairs.FirstOrDefault(p => p.Greek[0] == word[i] && p.Greek[1] == word[i + 1]) : default;
            if (pair.Greek is not null)
            {
                latin.Append(pair.Latin);
                i++;
                continue;
            }
            latin.Append(Greek.TryGetValue(word[i], out var l) ? l : word[i].ToString());
        }
        return latin.ToString();
    }

    private static string ArabicToLatin(string word)
    {
        if (ArabicWords.TryGetValue(word, out var known))
            return known;
        var latin = new StringBuilder(word.Length * 2);
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            var next = i + 1 < word.Length ? word[i + 1] : '\0';
            switch (c)
            {
                // ع at the start of a name carries its vowel (علي Ali, عمر Omar); inside a word it is silent in Latin.
                case 'ع' when i == 0:
                    latin.Append('a');
                    break;
                // و and ي are consonants at the start of a word or before alef (وليد Walid, مروان Marwan, زياد Ziyad),
                // long vowels elsewhere (يوسف Yusuf, حسين Husein).
                case 'و':
                    latin.Append(i == 0 || next == 'ا' ? 'w' : 'u');
                    break;
                case 'ي':
                    latin.Append(i == 0 || next == 'ا' ? 'y' : 'i');
                    break;
                default:
                    latin.Append(Arabic.TryGetValue(c, out var l) ? l : char.IsAsciiLetterOrDigit(c) ? c.ToString() : "");
                    break;
            }
        }
        return latin.ToString();
    }
}
