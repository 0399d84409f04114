namespace ActorNet.Protocol.Sealing;

/// <summary>
/// What the cuts of one message share, kept for the other recipients hosted on the same node: a message to many bureaus
/// reaches such a node as one cut envelope for each, with the same header and the same batch proof. An entry stays until it
/// has served every recipient it can still serve, or until <c>capacity</c> newer entries push it out (a node rarely hosts
/// every recipient of a message). Looked up by the bytes being read; a key is copied only for an entry that is kept.
/// </summary>
/// <remarks>Thread-safe: the inboxes of the bureaus a node hosts read their deliveries side by side.</remarks>
internal sealed class SharedByRecipients<TValue>(int capacity)
{
    private sealed class Entry(byte[] key, TValue value, int usesLeft)
    {
        public readonly byte[] Key = key;
        public readonly TValue Value = value;
        public int UsesLeft = usesLeft;
    }

    private readonly Dictionary<byte[], Entry> _entries = new(ByteArrayComparer.Instance);
    private readonly Queue<byte[]> _order = new();
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
                return _entries.Count;
        }
    }

    /// <summary>The value kept under these bytes, counting one use of it.</summary>
    public bool TryTake(ReadOnlySpan<byte> key, out TValue value)
    {
        lock (_gate)
        {
            var lookup = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();
            if (!lookup.TryGetValue(key, out var entry))
            {
                value = default!;
                return false;
            }
            if (--entry.UsesLeft <= 0)
                lookup.Remove(key);
            value = entry.Value;
            return true;
        }
    }

    /// <summary>Keeps <paramref name="value"/> for <paramref name="usesLeft"/> more lookups (nothing when that is none).</summary>
    public void Keep(ReadOnlySpan<byte> key, TValue value, int usesLeft)
    {
        if (usesLeft <= 0)
            return;
        var copy = key.ToArray();
        lock (_gate)
        {
            if (!_entries.TryAdd(copy, new Entry(copy, value, usesLeft)))
                return;
            _order.Enqueue(copy);
            while (_order.Count > capacity)
            {
                // An entry that served everyone has left already; one added again since holds another array.
                var oldest = _order.Dequeue();
                if (_entries.TryGetValue(oldest, out var entry) && ReferenceEquals(entry.Key, oldest))
                    _entries.Remove(oldest);
            }
        }
    }
}

/// <summary>Byte arrays compared by content, and looked up by a span without copying it.</summary>
internal sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] bytes) => GetHashCode((ReadOnlySpan<byte>)bytes);

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        var hash = new HashCode();
        hash.AddBytes(alternate);
        return hash.ToHashCode();
    }

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
