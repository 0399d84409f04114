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

    /// <summary>Every id with its number, ids written as they were given.</summary>
    public IEnumerable<(string Id, int Number)> All() =>
        _guids.Select(kv => (kv.Key.ToString("N"), kv.Value)).Concat(_others.Select(kv => (kv.Key, kv.Value)));
}
