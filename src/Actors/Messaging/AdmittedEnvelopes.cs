using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ActorNet.Protocol.Sealing;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// Envelopes the inbox gate parsed and admitted, kept for their reader, who usually asks for them moments later: each
/// envelope is then parsed once, not at the gate and again at reading (a fan-out's header names every recipient), and
/// neither its content key, which the gate unwrapped, nor its payload, which the gate decrypted, is worked out a second time.
/// </summary>
/// <remarks>
/// An entry is used only for the very bytes it was parsed from (same memory, not merely equal), and only once; bounded,
/// the oldest forgotten first, and the decrypted payloads by their bytes as well (<see cref="WouldKeep"/>). Content keys
/// and plaintexts live in memory only, and are wiped when their entry is forgotten; a taker wipes what it took.
/// Thread-safe: the inbox adds, the API's requests take.
/// </remarks>
public sealed class AdmittedEnvelopes(int capacity = 4096, long plaintextBudget = AdmittedEnvelopes.DefaultPlaintextBudget)
{
    /// <summary>Decrypted payloads kept at most, in all: a reader who does not come leaves them waiting until they are forgotten.</summary>
    public const long DefaultPlaintextBudget = 8L << 20;

    /// <summary>The largest payload whose plaintext is kept; a larger one is decrypted by its reader, as one read back from storage is.</summary>
    public const int MaxPlaintext = 64 << 10;

    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();
    private long _plaintextBytes;

    public int Count
    {
        get
        {
            lock (_lock)
                return _byId.Count;
        }
    }

    /// <summary>Bytes of decrypted payloads held now.</summary>
    public long PlaintextBytes
    {
        get
        {
            lock (_lock)
                return _plaintextBytes;
        }
    }

    /// <summary>Whether a plaintext of <paramref name="length"/> bytes would be kept now: the gate keeps the one it decrypts only then.</summary>
    public bool WouldKeep(int length)
    {
        lock (_lock)
            return Fits(length);
    }

    private bool Fits(int length) => length <= MaxPlaintext && _plaintextBytes + length <= plaintextBudget;

    /// <param name="contentKey">Null when the gate kept no key; otherwise this takes it over, and wipes it.</param>
    /// <param name="plaintext">The payload the gate decrypted, or null; taken over as the key is, and wiped at once if over the budget.</param>
    public void Add(ReadOnlyMemory<byte> bytes, SealedEnvelope envelope, byte[]? contentKey = null, byte[]? plaintext = null)
    {
        lock (_lock)
        {
            if (_byId.Remove(envelope.Id, out var replaced))
                Forget(replaced);
            if (plaintext is not null && !Fits(plaintext.Length))
            {
                CryptographicOperations.ZeroMemory(plaintext);
                plaintext = null;
            }
            _plaintextBytes += plaintext?.Length ?? 0;
            _byId[envelope.Id] = new Entry(bytes, envelope, contentKey, plaintext);
            _order.Enqueue(envelope.Id);
            // Ids already taken stay in the queue until they come out here; an id coming out twice only costs a parse.
            while (_order.Count > capacity)
                if (_byId.Remove(_order.Dequeue(), out var forgotten))
                    Forget(forgotten);
        }
    }

    /// <summary>
    /// The envelope parsed from exactly these bytes, with the content key the gate unwrapped from it and the payload it
    /// decrypted, if it kept them; null to parse them again.
    /// </summary>
    /// <remarks>The caller wipes the key and the plaintext (<see cref="CryptographicOperations.ZeroMemory"/>) once it has used them.</remarks>
    public (SealedEnvelope Envelope, byte[]? ContentKey, byte[]? Plaintext)? Take(string id, ReadOnlyMemory<byte> bytes)
    {
        lock (_lock)
        {
            if (!_byId.Remove(id, out var entry))
                return null;
            _plaintextBytes -= entry.Plaintext?.Length ?? 0;
            if (SameMemory(entry.Bytes.Span, bytes.Span))
                return (entry.Envelope, entry.ContentKey, entry.Plaintext);
            entry.Wipe();
            return null;
        }
    }

    private void Forget(Entry entry)
    {
        _plaintextBytes -= entry.Plaintext?.Length ?? 0;
        entry.Wipe();
    }

    private static bool SameMemory(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        a.Length == b.Length && Unsafe.AreSame(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b));

    private readonly record struct Entry(ReadOnlyMemory<byte> Bytes, SealedEnvelope Envelope, byte[]? ContentKey, byte[]? Plaintext)
    {
        public void Wipe()
        {
            if (ContentKey is not null)
                CryptographicOperations.ZeroMemory(ContentKey);
            if (Plaintext is not null)
                CryptographicOperations.ZeroMemory(Plaintext);
        }
    }
}
