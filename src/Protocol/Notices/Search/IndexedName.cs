namespace ActorNet.Protocol.Notices.Search;

/// <summary>
/// The tokens one person name is found by: each normalised word, plus each particle run joined to the word after it
/// ("Al-Hassan" gives al, hassan and alhassan; "van der Berg" gives van, der, berg, vanderberg and derberg).
/// </summary>
public sealed class IndexedName
{
    private readonly NameToken[] _tokens;

    private IndexedName(NameToken[] tokens) => _tokens = tokens;

    public ReadOnlySpan<NameToken> Tokens => _tokens;

    internal IReadOnlyList<NameToken> TokenList => _tokens;

    public static IndexedName Of(PersonName name)
    {
        var tokens = new List<NameToken>();
        Add(tokens, name.Forename, NameField.Forename);
        Add(tokens, name.Name, NameField.Name);
        return new IndexedName(tokens.ToArray());
    }

    private static void Add(List<NameToken> tokens, string? text, NameField field)
    {
        var words = NameNormalizer.Words(text);
        for (var i = 0; i < words.Count; i++)
        {
            tokens.Add(NameToken.Of(words[i].Text, words[i].Abjad, field));
            if (!NameNormalizer.IsParticle(words[i].Text))
                continue;
            var next = i + 1;
            while (next < words.Count && NameNormalizer.IsParticle(words[next].Text))
                next++;
            if (next == words.Count)
                continue;
            var parts = words.Skip(i).Take(next - i + 1).ToList();
            tokens.Add(NameToken.Of(string.Concat(parts.Select(p => p.Text)), parts.Any(p => p.Abjad), field));
        }
    }
}
