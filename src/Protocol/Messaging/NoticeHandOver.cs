namespace ActorNet.Protocol.Messaging;

/// <summary>
/// The inbox's hand-over of notice envelopes to the notice side (a bureau's copies, or on GS the Notice actors): the notice side
/// says what it has taken, and the inbox remembers up to where everything was, so a restart hands over exactly what was not.
/// </summary>
public static class NoticeHandOver
{
    /// <summary>
    /// Persisted by the inbox: every notice envelope it persisted at or before its own journal sequence number <paramref name="UpTo"/>
    /// has been taken by the notice side.
    /// </summary>
    public sealed record HandedOver(long UpTo, DateTimeOffset At) : IActorNetMessage;

    /// <summary>The notice side's answer to a handed-over envelope: kept, already kept, or refused for good; the inbox need not hand it over again.</summary>
    public sealed record Taken(string EnvelopeId) : IActorNetMessage;
}
