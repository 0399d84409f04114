namespace ActorNet.Protocol.Notices.Search;

/// <summary>
/// One word a query asks for. A particle run and the word after it make one term ("al hassan") that a name matches
/// either as the joined token (alhassan) or word by word, so "Al Hassan" finds "Alhassan" and "Hassan, Ben" alike.
/// </summary>
/// <param name="Token">The word, or the particles and word joined.</param>
/// <param name="Parts">The separate words of a joined term; a single word's only part is itself.</param>
/// <param name="AllowPrefix">The last word typed (3 letters or more, particles included: "von b") also matches the start of a longer token.</param>
public sealed record QueryTerm(NameToken Token, IReadOnlyList<NameToken> Parts, bool AllowPrefix)
{
    public bool IsJoined => Parts.Count > 1;

    /// <summary>Whether the last part, matched on its own, may be a prefix: only if the term may and the part has 3 letters.</summary>
    public bool LastPartAllowsPrefix => AllowPrefix && Parts[^1].Text.Length >= NameQuery.PrefixMinLength;
}

/// <summary>What a name search asks for: every term must match a token of one and the same person name, in any order.</summary>
public sealed class NameQuery
{
    /// <summary>Shortest last word that also matches as a prefix ("moh" finds Mohammed; "mo" does not).</summary>
    public const int PrefixMinLength = 3;

    private readonly QueryTerm[] _terms;

    private NameQuery(IEnumerable<QueryTerm> terms) => _terms = terms.ToArray();

    public IReadOnlyList<QueryTerm> Terms => _terms;

    /// <summary>The terms without an interface in the way: the matcher reads them for every candidate.</summary>
    internal ReadOnlySpan<QueryTerm> TermSpan => _terms;

    public bool IsEmpty => _terms.Length == 0;

    /// <summary>The terms of <paramref name="text"/>, each restricted to <paramref name="field"/>; <paramref name="prefix"/>: the last word may be a prefix.</summary>
    public static NameQuery Parse(string? text, NameField field = NameField.Any, bool prefix = true) => new(TermsOf(text, field, prefix));

    /// <summary>One query from several fields: q (any part), forename and name, all of which must hold.</summary>
    public static NameQuery Combine(params NameQuery[] queries) => new(queries.SelectMany(q => q._terms));

    private static List<QueryTerm> TermsOf(string? text, NameField field, bool prefix)
    {
        var words = NameNormalizer.Words(text);
        var terms = new List<QueryTerm>();
        var i = 0;
        while (i < words.Count)
        {
            var end = i;
            while (end < words.Count - 1 && NameNormalizer.IsParticle(words[end].Text))
                end++;
            var parts = words.Skip(i).Take(end - i + 1).Select(w => NameToken.Of(w.Text, w.Abjad, field)).ToList();
            var token = parts.Count == 1
                ? parts[0]
                : NameToken.Of(string.Concat(parts.Select(p => p.Text)), parts.Any(p => p.Abjad), field);
            var last = end == words.Count - 1;
            terms.Add(new QueryTerm(token, parts, prefix && last && token.Text.Length >= PrefixMinLength));
            i = end + 1;
        }
        return terms;
    }
}
