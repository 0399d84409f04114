using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ActorNet.Protocol.Sealing;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// Envelopes the inbox gate parsed and admitted, kept for their reader, who usually asks for them moments later: each
/// envelope is then parsed once, not at the gate and again at reading (a fan-out's header names every recipient), and its
/// content key, which the gate unwrapped, is not agreed on and unwrapped a second time.
/// </summary>
/// <remarks>
/// An entry is used only for the very bytes it was parsed from (same memory, not merely equal), and only once; bounded,
/// the oldest forgotten first. A content key lives in memory only, and is wiped when its entry is taken or forgotten.
/// Thread-safe: the inbox adds, the API's requests take.
/// </remarks>
public sealed class AdmittedEnvelopes(int capacity = 4096)
{
    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
                return _byId.Count;
        }
    }

    /// <param name="contentKey">Null when the gate kept no key; otherwise this takes it over, and wipes it.</param>
    public void Add(ReadOnlyMemory<byte> bytes, SealedEnvelope envelope, byte[]? contentKey = null)
    {
        lock (_lock)
        {
            if (_byId.Remove(envelope.Id, out var replaced))
                replaced.Wipe();
            _byId[envelope.Id] = new Entry(bytes, envelope, contentKey);
            _order.Enqueue(envelope.Id);
            // Ids already taken stay in the queue until they come out here; an id coming out twice only costs a parse.
            while (_order.Count > capacity)
                if (_byId.Remove(_order.Dequeue(), out var forgotten))
                    forgotten.Wipe();
        }
    }

    /// <summary>The envelope parsed from exactly these bytes and the content key the gate unwrapped from it, if it kept them; null to parse them again.</summary>
    /// <remarks>The caller wipes the key (<see cref="CryptographicOperations.ZeroMemory"/>) once it has decrypted.</remarks>
    public (SealedEnvelope Envelope, byte[]? ContentKey)? Take(string id, ReadOnlyMemory<byte> bytes)
    {
        lock (_lock)
        {
            if (!_byId.Remove(id, out var entry))
                return null;
            if (SameMemory(entry.Bytes.Span, bytes.Span))
                return (entry.Envelope, entry.ContentKey);
            entry.Wipe();
            return null;
        }
    }

    private static bool SameMemory(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        a.Length == b.Length && Unsafe.AreSame(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b));

    private readonly record struct Entry(ReadOnlyMemory<byte> Bytes, SealedEnvelope Envelope, byte[]? ContentKey)
    {
        public void Wipe()
        {
            if (ContentKey is not null)
                CryptographicOperations.ZeroMemory(ContentKey);
        }
    }
}
