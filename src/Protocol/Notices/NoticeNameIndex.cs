namespace ActorNet.Protocol.Notices;

/// <summary>Finds notices by the names of their subjects: what <c>GET /api/notices?q=</c> asks.</summary>
/// <remarks>Not thread-safe: its one owner is the actor holding the bureau's copies.</remarks>
public interface INoticeNameIndex
{
    /// <summary>Indexes (or re-indexes) a notice under every name its subject is known by.</summary>
    void Add(NoticeId notice, IEnumerable<string> names);

    void Remove(NoticeId notice);

    /// <summary>The notices whose names match <paramref name="query"/>.</summary>
    IReadOnlyCollection<NoticeId> Search(string query);
}

/// <summary>
/// A stand-in until the name-search library lands (branch nsearch): matches when every word of the query is a word of one of
/// the names, ignoring case, diacritics, punctuation and word order, by a scan. No transliteration, no spelling variants.
/// </summary>
public sealed class PlaceholderNameIndex : INoticeNameIndex
{
    private readonly Dictionary<NoticeId, string[][]> _names = new();

    public void Add(NoticeId notice, IEnumerable<string> names) =>
        _names[notice] = names.Select(Words).Where(w => w.Length > 0).ToArray();

    public void Remove(NoticeId notice) => _names.Remove(notice);

    public IReadOnlyCollection<NoticeId> Search(string query)
    {
        var wanted = Words(query);
        if (wanted.Length == 0)
            return [];
        return _names.Where(kv => kv.Value.Any(name => wanted.All(name.Contains))).Select(kv => kv.Key).ToArray();
    }

    private static string[] Words(string text) =>
        ComplianceCheck.Fold(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
