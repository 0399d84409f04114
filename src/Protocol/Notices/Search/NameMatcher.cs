namespace ActorNet.Protocol.Notices.Search;

/// <summary>How well a name answers a query: exact words rank over prefixes, prefixes over phonetic matches.</summary>
public static class NameMatcher
{
    public const double Exact = 1.0;
    public const double Prefix = 0.75;
    public const double Phonetic = 0.5;

    /// <summary>Skeletons with this many consonant classes or fewer must also agree on their vowels (Jan is not John).</summary>
    public const int ShortSkeleton = 2;

    /// <summary>
    /// The mean of the terms' best matches in <paramref name="name"/>, or null when a term matches nothing in it.
    /// Each word of the name serves one term only, first come first served: "ali ali" needs two words that match ali.
    /// </summary>
    public static double? Score(NameQuery query, IndexedName name)
    {
        if (query.IsEmpty)
            return null;
        var total = 0.0;
        var used = 0UL;
        foreach (var term in query.TermSpan)
        {
            var score = ScoreTerm(term, name.Tokens, ref used);
            if (score is null)
                return null;
            total += score.Value;
        }
        return total / query.TermSpan.Length;
    }

    /// <summary>The best score over a notice's names, or null when none matches.</summary>
    public static double? Score(NameQuery query, IEnumerable<IndexedName> names)
    {
        double? best = null;
        foreach (var name in names)
            if (Score(query, name) is { } score && (best is null || score > best))
                best = score;
        return best;
    }

    private static double? ScoreTerm(QueryTerm term, ReadOnlySpan<NameToken> tokens, ref ulong used)
    {
        var (joined, joinedAt) = Best(term.Token, term.AllowPrefix, tokens, used);
        if (!term.IsJoined || joined == Exact)
            return Take(joined, joinedAt, ref used);
        // Word by word: every part must be there.
        var sum = 0.0;
        var partsUsed = used;
        for (var i = 0; i < term.Parts.Count; i++)
        {
            var (part, at) = Best(term.Parts[i], i == term.Parts.Count - 1 && term.LastPartAllowsPrefix, tokens, partsUsed);
            if (part is null)
                return Take(joined, joinedAt, ref used);
            sum += part.Value;
            Take(part, at, ref partsUsed);
        }
        var separate = sum / term.Parts.Count;
        if (joined is not null && joined >= separate)
            return Take(joined, joinedAt, ref used);
        used = partsUsed;
        return separate;
    }

    private static double? Take(double? score, int at, ref ulong used)
    {
        if (score is not null && at < 64)
            used |= 1UL << at;
        return score;
    }

    /// <summary>The best match for <paramref name="wanted"/> among the tokens not yet <paramref name="used"/>, and where it is.</summary>
    private static (double? Score, int At) Best(in NameToken wanted, bool allowPrefix, ReadOnlySpan<NameToken> tokens, ulong used)
    {
        double? best = null;
        var bestAt = -1;
        for (var i = 0; i < tokens.Length; i++)
        {
            ref readonly var token = ref tokens[i];
            if ((token.Field & wanted.Field) == 0 || i < 64 && (used & (1UL << i)) != 0)
                continue;
            if (token.Text == wanted.Text)
                return (Exact, i);
            if (allowPrefix && best is null or < Prefix && token.Text.StartsWith(wanted.Text, StringComparison.Ordinal))
                (best, bestAt) = (Prefix, i);
            else if (best is null && SoundAlike(wanted, token))
                (best, bestAt) = (Phonetic, i);
        }
        return (best, bestAt);
    }

    /// <summary>Same phonetic key; for a short skeleton also the same vowels, unless one side was written without them (Arabic script).</summary>
    public static bool SoundAlike(in NameToken a, in NameToken b) =>
        a.Key == b.Key && a.Key.Length > 0
        && (PhoneticKey.Consonants(a.Key) > ShortSkeleton || a.Abjad || b.Abjad || a.Vowels == b.Vowels);
}
