using ActorNet.Protocol.Messaging;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// The envelopes an outbox holds in memory for one recipient: the unacknowledged ones from its last acknowledged
/// sequence on, without a gap, at most <see cref="Capacity"/> of them and <see cref="MaxBytes"/> of sealed bytes (one
/// envelope larger than that on its own). Whatever does not fit stays in the journal and is read back as the recipient
/// takes what is here.
/// </summary>
public sealed class EnvelopeWindow(int capacity, long maxBytes = long.MaxValue)
{
    private readonly List<Parcel> _parcels = [];

    public int Capacity { get; set; } = capacity;

    public long MaxBytes { get; } = maxBytes;

    public int Count => _parcels.Count;

    public long Bytes { get; private set; }

    /// <summary>The last sequence held here, or acknowledged: the next one to take is the one after.</summary>
    public long LoadedUpTo { get; private set; }

    /// <summary>How many more may be read back now: none once the bytes are reached, whatever the count.</summary>
    public int Room => _parcels.Count > 0 && Bytes >= MaxBytes ? 0 : Math.Max(0, Capacity - _parcels.Count);

    /// <summary>Takes <paramref name="parcel"/> if it is the next one and there is room; false when it must be read back later.</summary>
    public bool TryAppend(Parcel parcel)
    {
        if (parcel.Sequence <= LoadedUpTo)
            return true;
        if (parcel.Sequence != LoadedUpTo + 1 || _parcels.Count >= Capacity)
            return false;
        if (_parcels.Count > 0 && Bytes + parcel.Sealed.Length > MaxBytes)
            return false;
        _parcels.Add(parcel);
        Bytes += parcel.Sealed.Length;
        LoadedUpTo = parcel.Sequence;
        return true;
    }

    /// <summary>The recipient has everything up to <paramref name="sequence"/>: those leave memory.</summary>
    public void Acknowledge(long sequence)
    {
        var done = 0;
        while (done < _parcels.Count && _parcels[done].Sequence <= sequence)
            Bytes -= _parcels[done++].Sealed.Length;
        _parcels.RemoveRange(0, done);
        LoadedUpTo = Math.Max(LoadedUpTo, sequence);
    }

    /// <summary>Keeps only the first <paramref name="count"/> parcels: the rest is read back when the recipient is there to take it.</summary>
    public void Shrink(int count)
    {
        if (_parcels.Count <= count)
            return;
        for (var i = count; i < _parcels.Count; i++)
            Bytes -= _parcels[i].Sealed.Length;
        LoadedUpTo = _parcels[count].Sequence - 1;
        _parcels.RemoveRange(count, _parcels.Count - count);
    }

    /// <summary>Up to <paramref name="max"/> parcels after <paramref name="sequence"/>, in order.</summary>
    public IReadOnlyList<Parcel> After(long sequence, int max)
    {
        var start = 0;
        while (start < _parcels.Count && _parcels[start].Sequence <= sequence)
            start++;
        return _parcels.GetRange(start, Math.Min(max, _parcels.Count - start));
    }

    /// <summary>The ids held here for sequences in (<paramref name="after"/>, <paramref name="upTo"/>].</summary>
    public IEnumerable<string> IdsBetween(long after, long upTo) =>
        _parcels.Where(p => p.Sequence > after && p.Sequence <= upTo).Select(p => p.Id);
}
