using System.Buffers;

namespace ActorNet.Protocol.Notices.Search;

/// <summary>
/// The notices a bureau holds, searchable by name (<see cref="NameMatcher"/>) and filtered by type, state, nationality,
/// date of birth or age, sex, warrant country and public flag.
/// </summary>
/// <remarks>
/// Inverted indexes by token text and by phonetic key (and a sorted set of texts for prefixes) give a query its
/// candidates without looking at every notice: the candidates of its most selective term, each then checked against all
/// terms and filters. A query with filters only walks the notices of its narrowest facet (type, state, sex,
/// nationality, warrant country), or every notice when it has none of those.
/// Thread safety: any number of concurrent readers, writers one at a time, through a reader-writer lock; the intended
/// use is one writer (the actor that keeps the bureau's copy of its notices) and HTTP requests reading.
/// </remarks>
public sealed class NoticeSearchIndex : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    // Slots by internal number, in the order notices were first indexed; a removed notice leaves a null slot.
    private readonly List<IndexedNotice?> _notices = [];
    private readonly Dictionary<string, int> _slotById = new(StringComparer.Ordinal);
    // Postings: sorted slot numbers per token text and per phonetic key.
    private readonly Dictionary<string, List<int>> _byText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _byKey = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _texts = new(StringComparer.Ordinal);
    // Sorted slot numbers per facet value ("type:RED", "nationality:SY"...): a query with filters only walks the
    // smallest of its facets' lists instead of every notice.
    private readonly Dictionary<string, List<int>> _byFacet = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _slotById.Count; }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>Adds the notice, or replaces what the index held for its id.</summary>
    public void Upsert(NoticeSearchEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.NoticeId);
        var notice = new IndexedNotice(entry, entry.Names.Select(IndexedName.Of).ToArray());
        _lock.EnterWriteLock();
        try
        {
            if (_slotById.TryGetValue(entry.NoticeId, out var slot))
                Unpost(slot, _notices[slot]!);
            else
            {
                slot = _notices.Count;
                _notices.Add(null);
                _slotById[entry.NoticeId] = slot;
            }
            _notices[slot] = notice;
            foreach (var text in notice.Texts())
            {
                Post(_byText, text, slot);
                _texts.Add(text);
            }
            foreach (var key in notice.Keys())
                Post(_byKey, key, slot);
            foreach (var facet in Facets(entry))
                Post(_byFacet, facet, slot);
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Forgets the notice; false when the index did not hold it.</summary>
    public bool Remove(string noticeId)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_slotById.Remove(noticeId, out var slot))
                return false;
            Unpost(slot, _notices[slot]!);
            _notices[slot] = null;
            return true;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>The page of notices the query asks for, best match first (without words: most recently indexed first).</summary>
    /// <exception cref="ArgumentException">The query has <see cref="NoticeSearchQuery.Problems"/>.</exception>
    public NoticeSearchResult Search(NoticeSearchQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var problems = query.Problems();
        if (problems.Count > 0)
            throw new ArgumentException(string.Join("; ", problems), nameof(query));
        // Only the free text is typed as it is searched: forename and name are whole words (Ivan is not Ivana).
        var names = NameQuery.Combine(
            NameQuery.Parse(query.Text),
            NameQuery.Parse(query.Forename, NameField.Forename, prefix: false),
            NameQuery.Parse(query.Name, NameField.Name, prefix: false));
        var filter = new Filter(query);
        _lock.EnterReadLock();
        try
        {
            return names.IsEmpty ? FilterOnly(filter, query) : ByName(names, filter, query);
        }
        finally { _lock.ExitReadLock(); }
    }

    public void Dispose() => _lock.Dispose();

    private NoticeSearchResult FilterOnly(Filter filter, NoticeSearchQuery query)
    {
        var skip = (long)(query.Page - 1) * query.PageSize;
        var hits = new List<NoticeSearchHit>(query.PageSize);
        var total = 0;
        var narrowest = NarrowestFacet(query);
        for (var i = (narrowest?.Count ?? _notices.Count) - 1; i >= 0; i--)
        {
            var slot = narrowest?[i] ?? i;
            if (_notices[slot] is not { } notice || !filter.Accepts(notice.Entry))
                continue;
            if (total >= skip && hits.Count < query.PageSize)
                hits.Add(new NoticeSearchHit(notice.Entry.NoticeId, 1.0));
            total++;
        }
        return new NoticeSearchResult(total, hits);
    }

    /// <summary>The shortest posting list among the query's facet filters; null when it has none (every notice is a candidate).</summary>
    private List<int>? NarrowestFacet(NoticeSearchQuery query)
    {
        List<int>? narrowest = null;
        foreach (var (name, value) in (ReadOnlySpan<(string, string?)>)[("type", query.Type), ("state", query.State), ("sex", query.Sex),
                     ("nationality", query.Nationality), ("warrant", query.WarrantCountry)])
        {
            if (value is null)
                continue;
            var slots = _byFacet.GetValueOrDefault(Facet(name, value)) ?? [];
            if (narrowest is null || slots.Count < narrowest.Count)
                narrowest = slots;
        }
        return narrowest;
    }

    private NoticeSearchResult ByName(NameQuery names, Filter filter, NoticeSearchQuery query)
    {
        var direct = ScoredByPostings(names);
        var matches = new List<(int Slot, double Score)>();
        foreach (var (slot, postingScore) in Candidates(names))
        {
            var notice = _notices[slot];
            if (notice is null || !filter.Accepts(notice.Entry))
                continue;
            if ((direct ? postingScore : NameMatcher.Score(names, notice.Names)) is { } score)
                matches.Add((slot, score));
        }
        var hits = Best(matches, (int)Math.Min(int.MaxValue, (long)(query.Page - 1) * query.PageSize), query.PageSize)
            .Select(m => new NoticeSearchHit(_notices[m.Slot]!.Entry.NoticeId, m.Score))
            .ToList();
        return new NoticeSearchResult(matches.Count, hits);
    }

    /// <summary>
    /// One plain word in any part of the name, with a key long enough that no vowel check applies: the posting list a
    /// notice came from says how it matches (exact, prefix, phonetic), so the matcher need not look at its names.
    /// A common forename brings thousands of candidates; this is where they cost least.
    /// </summary>
    private static bool ScoredByPostings(NameQuery names) =>
        names.Terms is [{ IsJoined: false, Token: { Field: NameField.Any } token }]
        && PhoneticKey.Consonants(token.Key) > NameMatcher.ShortSkeleton;

    // Best score first; among equals the most recently indexed first.
    private static int Rank((int Slot, double Score) a, (int Slot, double Score) b) =>
        a.Score != b.Score ? b.Score.CompareTo(a.Score) : b.Slot.CompareTo(a.Slot);

    /// <summary>The matches ranked <paramref name="skip"/> to <paramref name="skip"/> + <paramref name="take"/>, without sorting them all for an early page.</summary>
    private static IEnumerable<(int Slot, double Score)> Best(List<(int Slot, double Score)> matches, int skip, int take)
    {
        var wanted = (long)skip + take;
        if (wanted * 4 >= matches.Count)
        {
            matches.Sort(Rank);
            return matches.Skip(skip).Take(take);
        }
        // The worst of the best kept so far sits on top, ready to make room.
        var kept = new PriorityQueue<(int Slot, double Score), (int Slot, double Score)>((int)wanted, Comparer<(int Slot, double Score)>.Create((a, b) => Rank(b, a)));
        foreach (var match in matches)
        {
            if (kept.Count < wanted)
                kept.Enqueue(match, match);
            else if (Rank(match, kept.Peek()) < 0)
                kept.DequeueEnqueue(match, match);
        }
        var best = kept.UnorderedItems.Select(i => i.Element).ToList();
        best.Sort(Rank);
        return best.Skip(skip);
    }

    /// <summary>
    /// Every notice that may match: those holding the most selective term in any of the ways it can match, each once,
    /// with the score of the best way it came by (exact, prefix, phonetic).
    /// </summary>
    private List<(int Slot, double Score)> Candidates(NameQuery names)
    {
        List<(List<int> Slots, double Score)>? best = null;
        var bestCount = long.MaxValue;
        foreach (var term in names.Terms)
        {
            var postings = PostingsOf(term);
            var count = postings.Sum(p => (long)p.Slots.Count);
            if (count < bestCount)
                (best, bestCount) = (postings, count);
            if (count == 0)
                break;
        }
        // One bit per slot, to take each candidate once: 12.5 KiB for 100,000 notices, kept off the large object heap.
        var seen = ArrayPool<ulong>.Shared.Rent((_notices.Count + 63) / 64);
        Array.Clear(seen);
        var candidates = new List<(int, double)>((int)Math.Min(bestCount, _notices.Count));
        foreach (var (slots, score) in best!)
            foreach (var slot in slots)
            {
                ref var word = ref seen[slot >> 6];
                var bit = 1UL << (slot & 63);
                if ((word & bit) != 0)
                    continue;
                word |= bit;
                candidates.Add((slot, score));
            }
        ArrayPool<ulong>.Shared.Return(seen);
        return candidates;
    }

    /// <summary>The posting lists of the ways a term can match, best way first.</summary>
    private List<(List<int> Slots, double Score)> PostingsOf(QueryTerm term)
    {
        var postings = new List<(List<int>, double)>();
        AddPostings(postings, term.Token, term.AllowPrefix);
        // A joined term also matches word by word: every notice doing so holds its last word.
        if (term.IsJoined)
            AddPostings(postings, term.Parts[^1], term.LastPartAllowsPrefix);
        return postings;
    }

    private void AddPostings(List<(List<int>, double)> postings, NameToken token, bool allowPrefix)
    {
        if (_byText.TryGetValue(token.Text, out var exact))
            postings.Add((exact, NameMatcher.Exact));
        if (allowPrefix)
            foreach (var text in _texts.GetViewBetween(token.Text, token.Text + char.MaxValue))
                if (text != token.Text)
                    postings.Add((_byText[text], NameMatcher.Prefix));
        if (_byKey.TryGetValue(token.Key, out var alike))
            postings.Add((alike, NameMatcher.Phonetic));
    }

    private void Unpost(int slot, IndexedNotice notice)
    {
        foreach (var text in notice.Texts())
            if (Unpost(_byText, text, slot))
                _texts.Remove(text);
        foreach (var key in notice.Keys())
            Unpost(_byKey, key, slot);
        foreach (var facet in Facets(notice.Entry))
            Unpost(_byFacet, facet, slot);
    }

    private static IEnumerable<string> Facets(NoticeSearchEntry entry)
    {
        yield return Facet("type", entry.Type);
        yield return Facet("state", entry.State);
        if (entry.Sex is not null)
            yield return Facet("sex", entry.Sex);
        foreach (var nationality in entry.Nationalities.Distinct(StringComparer.OrdinalIgnoreCase))
            yield return Facet("nationality", nationality);
        foreach (var country in (entry.WarrantCountries ?? []).Distinct(StringComparer.OrdinalIgnoreCase))
            yield return Facet("warrant", country);
    }

    private static string Facet(string name, string value) => $"{name}:{value.ToUpperInvariant()}";

    private static void Post(Dictionary<string, List<int>> postings, string term, int slot)
    {
        if (!postings.TryGetValue(term, out var slots))
            postings[term] = slots = [];
        var at = slots.BinarySearch(slot);
        if (at < 0)
            slots.Insert(~at, slot);
    }

    /// <summary>Removes the slot from the term's postings; true when the term has no postings left.</summary>
    private static bool Unpost(Dictionary<string, List<int>> postings, string term, int slot)
    {
        if (!postings.TryGetValue(term, out var slots))
            return false;
        var at = slots.BinarySearch(slot);
        if (at >= 0)
            slots.RemoveAt(at);
        if (slots.Count > 0)
            return false;
        postings.Remove(term);
        return true;
    }

    private sealed record IndexedNotice(NoticeSearchEntry Entry, IndexedName[] Names)
    {
        public IEnumerable<string> Texts() => Names.SelectMany(n => n.TokenList).Select(t => t.Text).Distinct();
        public IEnumerable<string> Keys() => Names.SelectMany(n => n.TokenList).Select(t => t.Key).Where(k => k.Length > 0).Distinct();
    }

    /// <summary>The query's filters, checked against each candidate.</summary>
    private sealed class Filter(NoticeSearchQuery query)
    {
        private readonly (DateOnly? From, DateOnly? To) _born = query.BirthRange();

        public bool Accepts(NoticeSearchEntry entry) =>
            Same(query.Type, entry.Type)
            && Same(query.State, entry.State)
            && Same(query.Sex, entry.Sex)
            && (query.IsPublic is null || query.IsPublic == entry.IsPublic)
            && (query.Nationality is null || Holds(entry.Nationalities, query.Nationality))
            && (query.WarrantCountry is null || entry.WarrantCountries is { } countries && Holds(countries, query.WarrantCountry))
            && (_born is (null, null) || entry.DateOfBirth is { } born && born.Overlaps(_born.From, _born.To));

        private static bool Same(string? wanted, string? actual) =>
            wanted is null || string.Equals(wanted, actual, StringComparison.OrdinalIgnoreCase);

        // A loop rather than LINQ's Contains: this runs for every notice of a filter-only query.
        private static bool Holds(IReadOnlyList<string> codes, string wanted)
        {
            for (var i = 0; i < codes.Count; i++)
                if (string.Equals(codes[i], wanted, StringComparison.OrdinalIgnoreCase))
                    return true;
            return false;
        }
    }
}
