using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Sealing;
using ActorNet.Protocol.Serialization;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// The outbox's cutting of envelopes to one recipient's key (<see cref="SealedEnvelope.CutFor"/>) for recipients that take
/// them. A message to many bureaus is cut once per recipient, so what each whole envelope needs for its cuts is kept for
/// the most recent messages. Owned by one actor; not thread-safe.
/// </summary>
public sealed class EnvelopeCutter(int remembered = 1024)
{
    private readonly Dictionary<string, EnvelopeCuts?> _cuts = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>
    /// The parcels for <paramref name="recipient"/>, each cut where it can be, as many of them in order as fit in
    /// <paramref name="maxBytes"/> (at least one); a parcel that cannot be cut goes whole, and so does one whose message has a
    /// single recipient (<paramref name="recipientCount"/>), without being parsed.
    /// </summary>
    public IReadOnlyList<Parcel> For(BureauCode recipient, IReadOnlyList<Parcel> parcels, Func<string, int> recipientCount, int maxBytes = int.MaxValue)
    {
        var result = new List<Parcel>(parcels.Count);
        var cutAny = false;
        long bytes = 0;
        foreach (var parcel in parcels)
        {
            var sent = recipientCount(parcel.Id) == 1 || CutsOf(parcel)?.BytesFor(recipient) is not { } cut ? parcel : parcel with { Sealed = cut };
            bytes += sent.Sealed.Length;
            if (bytes > maxBytes && result.Count > 0)
                return result;
            cutAny |= !ReferenceEquals(sent, parcel);
            result.Add(sent);
        }
        return cutAny ? result : parcels;
    }

    /// <summary>As many of <paramref name="parcels"/>, in order, as fit in <paramref name="maxBytes"/> (at least one).</summary>
    public static IReadOnlyList<Parcel> Fitting(IReadOnlyList<Parcel> parcels, int maxBytes)
    {
        var count = parcels.Count == 0 ? 0 : ByteBudget.Fitting(parcels, 0, maxBytes, p => p.Sealed.Length);
        return count == parcels.Count ? parcels : parcels.Take(count).ToArray();
    }

    private EnvelopeCuts? CutsOf(Parcel parcel)
    {
        if (_cuts.TryGetValue(parcel.Id, out var known))
            return known;
        EnvelopeCuts? cuts;
        try
        {
            cuts = SealedEnvelope.FromBytes(parcel.Sealed).Cuts();
        }
        catch (Exception e) when (e is WireFormatException or ArgumentException)
        {
            cuts = null; // not ours to judge: the recipient's gate refuses it and says why
        }
        _cuts[parcel.Id] = cuts;
        _order.Enqueue(parcel.Id);
        if (_order.Count > remembered)
            _cuts.Remove(_order.Dequeue());
        return cuts;
    }
}
