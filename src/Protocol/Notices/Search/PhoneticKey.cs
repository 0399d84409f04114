using System.Text;

namespace ActorNet.Protocol.Notices.Search;

/// <summary>
/// The sound of a normalised name token, coarse enough that transliterations of one name collide (Mohammed, Muhammad,
/// Mohamed and محمد are all <c>mhmt</c>) and fine enough that most different names do not.
/// </summary>
/// <remarks>
/// The key is the consonant skeleton: letters that transliteration tables write differently fold into one class
/// (k/c/q/ck; sh/ch/sch/tch/cz/sz; j/zh/dzh/dz; kh/h; ph/f/v/w; th/t; dh/d, dj/d; gh/g; x is ks; a final d is t),
/// doubled classes collapse, and vowels vanish, because Arabic script does not write short vowels and each language
/// writes the long ones its own way. Only where a word starts and where it ends is a vowel kept, written <c>a</c>:
/// Ivan (<c>afn</c>) is not Ivana (<c>afna</c>), Petrov is not Petrova. <see cref="VowelPattern"/> adds the vowels back
/// for short skeletons, where a skeleton alone says too little.
/// </remarks>
public static class PhoneticKey
{
    // Longest first: at each position the first rule whose letters match is taken.
    private static readonly (string Letters, char Class)[] Rules =
    [
        ("tsch", 'x'), ("shch", 'x'), ("szcz", 'x'),
        ("sch", 'x'), ("tch", 'x'), ("dzh", 'j'),
        ("sh", 'x'), ("ch", 'x'), ("cz", 'x'), ("sz", 'x'), ("zh", 'j'), ("dz", 'j'), ("dj", 'd'), ("kh", 'h'),
        ("gh", 'g'), ("ph", 'f'), ("th", 't'), ("dh", 'd'), ("ck", 'k'), ("dt", 't'),
    ];

    /// <summary>The key of a token made of a-z and 0-9 (what <see cref="NameNormalizer"/> produces).</summary>
    public static string Of(string token)
    {
        var key = new StringBuilder(token.Length);
        var i = 0;
        if (i < token.Length && IsVowelAt(token, 0))
        {
            key.Append('a');
            while (i < token.Length && IsVowelAt(token, i))
                i++;
        }
        var last = '\0';
        while (i < token.Length)
        {
            if (IsVowelAt(token, i))
            {
                while (i < token.Length && IsVowelAt(token, i))
                    i++;
                if (i == token.Length)
                    key.Append('a');
                // A vowel separates: the two m of "mama" both count, only "mm" collapses.
                last = '\0';
                continue;
            }
            var (cls, length) = ClassAt(token, i);
            i += length;
            // A final h after a vowel is silent: Fatimah is Fatima, Abdallah is Abdalla.
            if (cls == 'h' && i == token.Length && length == 1 && IsVowelAt(token, i - 2))
            {
                key.Append('a');
                break;
            }
            if (cls == 'd' && i == token.Length)
                cls = 't';
            if (cls == 'X')
            {
                AppendClass(key, 'k', ref last);
                AppendClass(key, 's', ref last);
                continue;
            }
            AppendClass(key, cls, ref last);
        }
        return key.ToString();
    }

    /// <summary>
    /// The vowels of a token, each run written as its class (a/e → a, i/y → i, o/u → u, a leading i or y before
    /// other vowels takes the class of the vowel after it): Ali and Aly are <c>ai</c>, Maria <c>aa</c>, Mario <c>au</c>.
    /// </summary>
    public static string VowelPattern(string token)
    {
        var pattern = new StringBuilder(4);
        for (var i = 0; i < token.Length; i++)
        {
            if (!IsVowelAt(token, i))
                continue;
            var start = i;
            while (i + 1 < token.Length && IsVowelAt(token, i + 1))
                i++;
            // A glide takes the class of the vowel after it: Yuliya is Yulia, Iulia is Yulia.
            var first = start;
            while (first < i && token[first] is 'i' or 'y')
                first++;
            pattern.Append(token[first] switch { 'a' or 'e' => 'a', 'i' or 'y' => 'i', _ => 'u' });
        }
        return pattern.ToString();
    }

    /// <summary>How many consonant classes a key holds (its leading and trailing vowel marks aside).</summary>
    public static int Consonants(string key)
    {
        var count = key.Length;
        if (count > 0 && key[0] == 'a')
            count--;
        if (count > 0 && key.Length > 1 && key[^1] == 'a')
            count--;
        return count;
    }

    private static void AppendClass(StringBuilder key, char cls, ref char last)
    {
        if (cls != last)
            key.Append(cls);
        last = cls;
    }

    private static (char Class, int Length) ClassAt(string token, int i)
    {
        foreach (var (letters, cls) in Rules)
            if (string.CompareOrdinal(token, i, letters, 0, letters.Length) == 0)
                return (cls, letters.Length);
        var c = token[i];
        return c switch
        {
            'c' => (i + 1 < token.Length && token[i + 1] is 'e' or 'i' or 'y' ? 's' : 'k', 1),
            'q' => ('k', 1),
            'v' or 'w' => ('f', 1),
            'x' => ('X', 1),
            _ => (c, 1),
        };
    }

    /// <summary>a e i o u y are vowels; so is a j after a vowel that no vowel follows (Sergej, Nikolaj, Tolstoj).</summary>
    private static bool IsVowelAt(string token, int i)
    {
        if (i < 0 || i >= token.Length)
            return false;
        var c = token[i];
        if (c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y')
            return true;
        return c == 'j' && i > 0 && token[i - 1] is 'a' or 'e' or 'i' or 'o' or 'u'
            && (i + 1 == token.Length || token[i + 1] is not ('a' or 'e' or 'i' or 'o' or 'u' or 'y'));
    }
}
