using ActorNet.Protocol.Messaging;
using Akka.Actor;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// The inbox's notice envelopes that the notice side has not taken yet, by the inbox journal sequence number they were persisted
/// under (and their place in that event: one delivery is one event), and the mark up to which all were taken. Only these are held with their sealed bytes: a taken envelope is dropped.
/// At most <see cref="Window"/> are out with the notice side at a time; one not taken after <see cref="ResendAfter"/> goes again.
/// Mutable; the inbox actor is its only writer.
/// </summary>
public sealed class NoticeHandOverQueue(int window = 256, TimeSpan? resendAfter = null)
{
    private readonly SortedDictionary<(long Position, int Index), Entry> _untaken = new();
    private readonly Dictionary<string, (long, int)> _positionOf = new(StringComparer.Ordinal);
    private long _lastArrival;

    private sealed class Entry(InboxEvents.Received received)
    {
        public InboxEvents.Received Received { get; } = received;
        public DateTimeOffset? SentAt { get; set; }
    }

    public int Window { get; } = window;

    public TimeSpan ResendAfter { get; } = resendAfter ?? TimeSpan.FromSeconds(10);

    /// <summary>Every notice envelope persisted at or before this inbox sequence number was taken, and the inbox persisted that.</summary>
    public long Mark { get; private set; }

    /// <summary>Up to where everything is taken now: the mark to persist when it is past <see cref="Mark"/>.</summary>
    public long TakenUpTo => _untaken.Count == 0 ? _lastArrival : _untaken.First().Key.Position - 1;

    public int Count => _untaken.Count;

    /// <summary>
    /// A notice envelope the inbox persisted under <paramref name="position"/> (live, or replayed in recovery), the
    /// <paramref name="index"/>th of that event's envelopes.
    /// </summary>
    public void Arrived(long position, int index, InboxEvents.Received received)
    {
        if (position <= Mark)
            return;
        _untaken[(position, index)] = new Entry(received);
        _positionOf[received.Id] = (position, index);
        _lastArrival = Math.Max(_lastArrival, position);
    }

    /// <summary>The mark persisted (live, or replayed in recovery): what it covers is taken.</summary>
    public void Marked(long upTo)
    {
        Mark = Math.Max(Mark, upTo);
        _lastArrival = Math.Max(_lastArrival, upTo);
        while (_untaken.Count > 0 && _untaken.First().Key.Position <= Mark)
        {
            var (position, entry) = _untaken.First();
            _untaken.Remove(position);
            _positionOf.Remove(entry.Received.Id);
        }
    }

    /// <summary>The notice side took <paramref name="envelopeId"/>; false when it was not waiting (an answer to a resend).</summary>
    public bool Taken(string envelopeId)
    {
        if (!_positionOf.Remove(envelopeId, out var position))
            return false;
        _untaken.Remove(position);
        return true;
    }

    /// <summary>What to hand over now, oldest first: within the window, those never sent and those sent longer than <see cref="ResendAfter"/> ago.</summary>
    public IReadOnlyList<InboxEvents.Received> Due(DateTimeOffset now)
    {
        var due = new List<InboxEvents.Received>();
        foreach (var entry in _untaken.Values.Take(Window))
        {
            if (entry.SentAt is { } sent && now - sent < ResendAfter)
                continue;
            entry.SentAt = now;
            due.Add(entry.Received);
        }
        return due;
    }

    /// <summary>What the notice side does once it has taken an envelope: tells the inbox that handed it over, if an inbox did.</summary>
    public static void Acknowledge(IActorRef handedBy, InboxEvents.Received received)
    {
        if (!handedBy.IsNobody())
            handedBy.Tell(new NoticeHandOver.Taken(received.Id));
    }
}
