using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Actors.Messaging;

/// <summary>A message as an officer or an integration wrote it, checked and ready to seal.</summary>
public sealed record Draft(IReadOnlyList<BureauCode> To, MessagePayload Payload, HandlingCode HandlingCode, string? CaseId, bool ForwardingAllowed);

/// <summary>What the sealer is asked and answers. Local to a node: drafts are plain text and never leave it.</summary>
public static class SealerCommands
{
    /// <summary>Seal these drafts, in this order; answered with <see cref="Sealed"/> or <see cref="Refused"/>.</summary>
    /// <param name="PostTo">
    /// The bureau's outbox, or null. When set, the envelopes go there as one <see cref="OutboxCommands.PostAll"/> in the
    /// requester's name, and the outbox answers the requester (<see cref="OutboxCommands.PostedAll"/>, once persisted)
    /// instead of this: one crossing less for each send than handing the envelopes back to be posted. A refusal is answered here.
    /// </param>
    public sealed record Seal(IReadOnlyList<Draft> Drafts, IActorRef? PostTo = null) : INoSerializationVerificationNeeded;

    /// <summary>One envelope per draft, in the drafts' order.</summary>
    public sealed record Sealed(IReadOnlyList<SealedEnvelope> Envelopes) : INoSerializationVerificationNeeded;

    /// <summary>The draft at <paramref name="Index"/> names a recipient the directory holds no keys for.</summary>
    public sealed record Refused(int Index, BureauCode Recipient) : INoSerializationVerificationNeeded;

    /// <summary>
    /// Whether <paramref name="Recipient"/>'s inbox opens keys wrapped once a batch (<see cref="SealedEnvelope.WrapSalt"/>), as
    /// its last acknowledgement to <paramref name="Sender"/>'s outbox said. The outbox publishes it on its node's event stream
    /// when it changes; the sender's sealers there listen. Until one hears it, they wrap as before, which every node reads.
    /// </summary>
    public sealed record RecipientReads(BureauCode Sender, BureauCode Recipient, bool BatchWraps) : INoSerializationVerificationNeeded;
}

/// <summary>
/// Seals this bureau's outgoing messages in batches: whatever requests arrived while the previous batch was being sealed
/// are sealed together, under one signature over their Merkle root, so the signature's cost is shared by every message
/// that came in at about the same time rather than paid once a message.
/// </summary>
/// <remarks>It seals, and hands the envelopes back or on to the outbox (<see cref="SealerCommands.Seal.PostTo"/>), which answers once they are persisted.</remarks>
public sealed class SealerActor : ReceiveActor
{
    /// <summary>At most this many envelopes share one signature; a larger backlog is sealed in several batches.</summary>
    public const int MaxBatch = 1024;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly BureauCrypto _crypto;
    private readonly IPublicKeyLookup _directory;
    private readonly Queue<(SealerCommands.Seal Request, IActorRef ReplyTo)> _waiting = new();
    // Recipients whose inbox said it opens keys wrapped once a batch (SealerCommands.RecipientReads).
    private readonly HashSet<BureauCode> _batchWrapReaders = [];
    private bool _flushScheduled;

    public SealerActor(BureauCrypto crypto)
    {
        _crypto = crypto;
        _directory = crypto.Directory;
        Receive<SealerCommands.RecipientReads>(reads =>
        {
            if (reads.Sender != crypto.Bureau)
                return;
            if (reads.BatchWraps ? _batchWrapReaders.Add(reads.Recipient) : _batchWrapReaders.Remove(reads.Recipient))
                _log.Debug("Sealer of {Bureau}: {Recipient} {Reads} keys wrapped once a batch", crypto.Bureau, reads.Recipient, reads.BatchWraps ? "reads" : "no longer reads");
        });
        Receive<SealerCommands.Seal>(request =>
        {
            if (request.Drafts.Count == 0)
            {
                Answer(request, Sender, new SealerCommands.Sealed([]));
                return;
            }
            _waiting.Enqueue((request, Sender));
            ScheduleFlush();
        });
        // The flush goes to the back of the mailbox: every request already waiting there joins this batch.
        Receive<Flush>(_ => SealWaiting());
    }

    public static Props Props(BureauCrypto crypto) => Akka.Actor.Props.Create(() => new SealerActor(crypto));

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(SealerCommands.RecipientReads));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void ScheduleFlush()
    {
        if (_flushScheduled)
            return;
        _flushScheduled = true;
        Self.Tell(Flush.Instance);
    }

    private void SealWaiting()
    {
        _flushScheduled = false;
        var batch = new List<(SealerCommands.Seal Request, IActorRef ReplyTo)>();
        var envelopes = 0;
        // Requests are never split: one larger than the cap is a batch of its own.
        while (_waiting.TryPeek(out var next) && (batch.Count == 0 || envelopes + next.Request.Drafts.Count <= MaxBatch))
        {
            batch.Add(_waiting.Dequeue());
            envelopes += next.Request.Drafts.Count;
        }
        if (_waiting.Count > 0)
            ScheduleFlush();
        if (batch.Count == 0)
            return;

        // One sealer for the whole batch: a key rotation in between must not mix key versions in one signature.
        var sealer = _crypto.Sealer;
        try
        {
            var sealedAll = sealer.Seal(batch.SelectMany(b => b.Request.Drafts.Select(d => Headed(sealer, d))).ToArray(), _batchWrapReaders.Contains);
            var offset = 0;
            foreach (var (request, replyTo) in batch)
            {
                Answer(request, replyTo, new SealerCommands.Sealed(sealedAll.Skip(offset).Take(request.Drafts.Count).ToArray()));
                offset += request.Drafts.Count;
            }
        }
        catch (Exception e) when (e is UnknownRecipientException or ArgumentException)
        {
            // A recipient left the directory after the request was checked, or the keys rotated while the batch was headed:
            // seal each request alone, so that only its own sender hears of a problem.
            foreach (var (request, replyTo) in batch)
                Answer(request, replyTo, SealAlone(sealer, request));
        }
    }

    /// <summary>Envelopes to the outbox in the requester's name when the request says so, else back; a refusal back.</summary>
    private void Answer(SealerCommands.Seal request, IActorRef replyTo, object answer)
    {
        if (answer is SealerCommands.Sealed done && request.PostTo is { } outbox)
            outbox.Tell(new OutboxCommands.PostAll(_crypto.Bureau,
                done.Envelopes.Select(e => new OutboxCommands.Post(_crypto.Bureau, e.Id, e.Header.To, e.ToBytes())).ToArray()), replyTo);
        else
            replyTo.Tell(answer);
    }

    private object SealAlone(Sealer sealer, SealerCommands.Seal request)
    {
        for (var i = 0; i < request.Drafts.Count; i++)
            if (request.Drafts[i].To.FirstOrDefault(r => _directory.Latest(r) is null) is { } unknown)
            {
                _log.Warning("Sealer of {Bureau} refused a draft to {Recipient}: no keys in the directory", sealer.Bureau, unknown);
                return new SealerCommands.Refused(i, unknown);
            }
        try
        {
            return new SealerCommands.Sealed(sealer.Seal(request.Drafts.Select(d => Headed(sealer, d)).ToArray(), _batchWrapReaders.Contains));
        }
        catch (UnknownRecipientException e)
        {
            var index = request.Drafts.ToList().FindIndex(d => d.To.Contains(e.Bureau));
            return new SealerCommands.Refused(Math.Max(index, 0), e.Bureau);
        }
    }

    // The header is made here, at sealing time, so it always names the key version the batch is signed with.
    private static (EnvelopeHeader, MessagePayload) Headed(Sealer sealer, Draft draft)
    {
        var now = DateTimeOffset.UtcNow;
        return (sealer.Header(MessageIds.New(now), draft.To, now, draft.HandlingCode, draft.CaseId, draft.ForwardingAllowed), draft.Payload);
    }

    private sealed class Flush : INoSerializationVerificationNeeded
    {
        public static readonly Flush Instance = new();
    }
}
