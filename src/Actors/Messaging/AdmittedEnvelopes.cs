using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActorNet.Protocol.Sealing;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// Envelopes the inbox gate parsed and admitted, kept for their reader, who usually asks for them moments later: each
/// envelope is then parsed once, not at the gate and again at reading (a fan-out's header names every recipient).
/// </summary>
/// <remarks>
/// An entry is used only for the very bytes it was parsed from (same memory, not merely equal), and only once; bounded,
/// the oldest forgotten first. Thread-safe: the inbox adds, the API's requests take.
/// </remarks>
public sealed class AdmittedEnvelopes(int capacity = 4096)
{
    private readonly Dictionary<string, (ReadOnlyMemory<byte> Bytes, SealedEnvelope Envelope)> _byId = new(StringComparer.Ordinal);
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

    public void Add(ReadOnlyMemory<byte> bytes, SealedEnvelope envelope)
    {
        lock (_lock)
        {
            _byId[envelope.Id] = (bytes, envelope);
            _order.Enqueue(envelope.Id);
            // Ids already taken stay in the queue until they come out here; an id coming out twice only costs a parse.
            while (_order.Count > capacity)
                _byId.Remove(_order.Dequeue());
        }
    }

    /// <summary>The envelope parsed from exactly these bytes, if the gate kept it; null to parse them again.</summary>
    public SealedEnvelope? Take(string id, ReadOnlyMemory<byte> bytes)
    {
        lock (_lock)
            return _byId.Remove(id, out var entry) && SameMemory(entry.Bytes.Span, bytes.Span) ? entry.Envelope : null;
    }

    private static bool SameMemory(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        a.Length == b.Length && Unsafe.AreSame(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b));
}
