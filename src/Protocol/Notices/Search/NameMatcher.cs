namespace ActorNet.Protocol.Notices.Search;

/// <summary>How well a name answers a query: exact words rank over prefixes, prefixes over phonetic matches.</summary>
public static class NameMatcher
{
    public const double Exact = 1.0;
    public const double Prefix = 0.75;
    public const double Phonetic = 0.5;

    /// <summary>Skeletons with this many consonant classes or fewer must also agree on their vowels (Jan is not John).</summary>
    public const int ShortSkeleton = 2;

    /// <summary>The mean of the terms' best matches in <paramref name="name"/>, or null when a term matches nothing in it.</summary>
    public static double? Score(NameQuery query, IndexedName name)
    {
        if (query.IsEmpty)
            return null;
        var total = 0.0;
        foreach (var term in query.TermSpan)
        {
            var score = ScoreTerm(term, name.Tokens);
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

    private static double? ScoreTerm(QueryTerm term, ReadOnlySpan<NameToken> tokens)
    {
        var joined = ScoreToken(term.Token, term.AllowPrefix, tokens);
        if (!term.IsJoined || joined == Exact)
            return joined;
        // Word by word: every part must be there.
        var sum = 0.0;
        for (var i = 0; i < term.Parts.Count; i++)
        {
            var part = ScoreToken(term.Parts[i], term.AllowPrefix && i == term.Parts.Count - 1, tokens);
            if (part is null)
                return joined;
            sum += part.Value;
        }
        var separate = sum / term.Parts.Count;
        return joined is null || separate > joined ? separate : joined;
    }

    private static double? ScoreToken(in NameToken wanted, bool allowPrefix, ReadOnlySpan<NameToken> tokens)
    {
        double? best = null;
        foreach (ref readonly var token in tokens)
        {
            if ((token.Field & wanted.Field) == 0)
                continue;
            if (token.Text == wanted.Text)
                return Exact;
            if (allowPrefix && best is null or < Prefix && token.Text.StartsWith(wanted.Text, StringComparison.Ordinal))
                best = Prefix;
            else if (best is null && SoundAlike(wanted, token))
                best = Phonetic;
        }
        return best;
    }

    /// <summary>Same phonetic key; for a short skeleton also the same vowels, unless one side was written without them (Arabic script).</summary>
    public static bool SoundAlike(in NameToken a, in NameToken b) =>
        a.Key == b.Key && a.Key.Length > 0
        && (PhoneticKey.Consonants(a.Key) > ShortSkeleton || a.Abjad || b.Abjad || a.Vowels == b.Vowels);
}
