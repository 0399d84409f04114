using ActorNet.Protocol.Notices;
using Akka.Actor;
using Akka.Persistence;

namespace ActorNet.Actors.Notices;

/// <summary>
/// Reads the sealed content of one notice copy back from the copies' journal, for one reader asking by id, hands it to the
/// copies actor and stops. It asks the journal plugin for the one event as recovery would (ReplayMessages), which every
/// journal answers (SQL on SQLite and PostgreSQL, the tests' in-memory one) without a read journal to configure.
/// </summary>
public sealed class NoticeContentReader : ReceiveActor
{
    /// <summary>The content of <paramref name="NoticeId"/> kept at <paramref name="SequenceNr"/>, for <paramref name="ReplyTo"/>.</summary>
    public sealed record Request(NoticeId NoticeId, long SequenceNr, IActorRef ReplyTo, bool Public) : INoSerializationVerificationNeeded;

    /// <summary>The sealed content read, or the <paramref name="Failure"/> that kept it from being read.</summary>
    public sealed record Read(Request Request, ReadOnlyMemory<byte> Sealed, string? Failure) : INoSerializationVerificationNeeded;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public NoticeContentReader(IActorRef journal, string persistenceId, Request request)
    {
        var copies = Context.Parent;
        ReadOnlyMemory<byte>? found = null;

        Receive<ReplayedMessage>(m =>
        {
            if (m.Persistent.Payload is NoticeCopyEvents.Kept kept && kept.NoticeId == request.NoticeId)
                found = kept.Sealed;
        });
        Receive<RecoverySuccess>(_ => Finish(copies, found is { } bytes
            ? new Read(request, bytes, null)
            : new Read(request, ReadOnlyMemory<byte>.Empty, $"the journal holds no content of notice {request.NoticeId} at {request.SequenceNr}")));
        Receive<ReplayMessagesFailure>(f => Finish(copies, new Read(request, ReadOnlyMemory<byte>.Empty, f.Cause.Message)));
        Receive<ReceiveTimeout>(_ => Finish(copies, new Read(request, ReadOnlyMemory<byte>.Empty, $"the journal did not answer within {Bound.TotalSeconds:0} s")));

        Context.SetReceiveTimeout(Bound);
        journal.Tell(new ReplayMessages(request.SequenceNr, request.SequenceNr, 1, persistenceId, Self));
    }

    public static Props Props(IActorRef journal, string persistenceId, Request request) =>
        Akka.Actor.Props.Create(() => new NoticeContentReader(journal, persistenceId, request));

    private void Finish(IActorRef copies, Read read)
    {
        copies.Tell(read);
        Context.Stop(Self);
    }
}
