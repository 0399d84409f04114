namespace ActorNet.Actors.Messaging;

/// <summary>
/// How far apart the outbox and the inbox snapshot their bookkeeping. A snapshot holds all of it, so at a fixed interval
/// its cost would grow with the history; a quarter of the history apart keeps the cost per event constant, and recovery
/// replays at most that quarter after loading the snapshot.
/// </summary>
public static class SnapshotInterval
{
    /// <param name="every">The least interval, for a short history.</param>
    /// <param name="held">How many messages the bookkeeping holds.</param>
    public static long After(int every, int held) => Math.Max(every, held / 4L);
}
