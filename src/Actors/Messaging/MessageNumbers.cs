using ActorNet.Protocol.Messaging;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// Message id → its number in the outbox's bookkeeping. The ids the API makes (32 lowercase hex digits, a GUID) are
/// kept as 16-byte GUIDs rather than 90-byte strings: an outbox remembers every message it ever sent. Any other id is
/// kept as it is.
/// </summary>
public sealed class MessageNumbers
{
    private readonly Dictionary<Guid, int> _guids = new();
    private readonly Dictionary<string, int> _others = new(StringComparer.Ordinal);

    public int Count => _guids.Count + _others.Count;

    public bool TryGet(string id, out int number) =>
        MessageIds.TryParse(id, out var guid) ? _guids.TryGetValue(guid, out number) : _others.TryGetValue(id, out number);

    public bool Contains(string id) => TryGet(id, out _);

    /// <returns>The GUID the id is kept as; null when it is kept as it is.</returns>
    public Guid? Add(string id, int number)
    {
        if (MessageIds.TryParse(id, out var guid))
        {
            _guids[guid] = number;
            return guid;
        }
        _others[id] = number;
        return null;
    }

    public void EnsureCapacity(int count) => _guids.EnsureCapacity(count);

    /// <summary>
    /// Every id by its number, for numbers 0 to <paramref name="count"/> − 1, ids written as they were given. Copies the
    /// GUIDs only: an id is written out as text when read, on whichever thread reads it, while this map goes on changing.
    /// </summary>
    public MessageIdColumn CopyByNumber(int count)
    {
        var guids = new Guid[count];
        foreach (var (guid, number) in _guids)
            if (number < count)
                guids[number] = guid;
        return new MessageIdColumn(guids, _others.Where(kv => kv.Value < count).ToDictionary(kv => kv.Value, kv => kv.Key));
    }

    /// <summary>Numbers a snapshot's ids 0, 1, 2, ... in order into this empty map, without writing the GUIDs out as text.</summary>
    public void AddAll(IReadOnlyList<string> ids)
    {
        if (Count > 0)
            throw new InvalidOperationException("a snapshot's ids are numbered from 0: only into an empty map");
        EnsureCapacity(Count + ids.Count);
        for (var i = 0; i < ids.Count; i++)
            if (ids is MessageIdColumn column && column.GuidAt(i) is { } guid)
                _guids[guid] = i;
            else
                Add(ids[i], i);
    }
}
