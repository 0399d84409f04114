using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Persistence.Sql.Journal;
using Akka.Serialization;
using Akka.Util;

namespace ActorNet.Actors.Hosting;

/// <summary>
/// Akka.Persistence.Sql's journal on SQLite, whose writes go through <see cref="SqliteJournalWriter"/>: the same rows, with
/// one connection, statements prepared once and one commit for everything waiting. Replays, highest sequence numbers,
/// deletes and the read journal's queries are the plugin's own, on the rows as it would have written them.
/// </summary>
/// <remarks>Configured as the journal's <c>class</c> by <see cref="ActorNetHosting.WithActorNetPersistence"/> for SQLite only.</remarks>
public sealed class SqliteWriteJournal : SqlWriteJournal
{
    private readonly SqliteJournalWriter _writer;
    private readonly Akka.Serialization.Serialization _serialization;
    private readonly string? _defaultSerializer;
    private readonly string _writerUuid = Guid.NewGuid().ToString("N");
    // Per persistence id, its last write and the actor instance that made it: a highest sequence number is read once it is
    // done, and the same instance's next write follows on from it. Kept once it failed: that instance writes nothing more.
    private readonly Dictionary<string, (Task Task, int? Instance)> _writing = new(StringComparer.Ordinal);

    public SqliteWriteJournal(Config journalConfig) : base(journalConfig)
    {
        var connectionString = journalConfig.GetString("connection-string");
        if (string.IsNullOrEmpty(connectionString))
            throw new ConfigurationException("The SQLite journal has no connection-string");
        _defaultSerializer = journalConfig.GetString("serializer", null);
        _serialization = Context.System.Serialization;
        _writer = new SqliteJournalWriter(connectionString);
    }

    protected override void PostStop()
    {
        _writer.Dispose();
        base.PostStop();
    }

    /// <summary>
    /// A persistent actor's write goes to the writer from here, and the actor hears at once that it may send its next one;
    /// each event's own answer comes from the writer's thread once its commit is done. Akka's own path
    /// (<see cref="AsyncWriteJournal"/>) keeps one write of an actor in flight and answers through a resequencer actor: an
    /// outbox's next posts waited for the answer's two hand-offs (thread wake-ups on this kind of machine) and its next write
    /// to come back, and the writer sat idle a median 1.1–1.3 ms between an outbox's commits of ~0.6 ms at 1,000 single sends
    /// a second (docs/benchmarks.md, session 43).
    /// </summary>
    /// <remarks>
    /// Akka's order holds: one writer commits in the order writes came and answers each event in that order, so an actor
    /// hears of its events as it persisted them, whatever number of its writes are in flight. A write that follows one of the
    /// same actor's that failed is not written (<see cref="SqliteJournalWriter.WriteAsync"/>): the actor stops at the first
    /// failure and recovers from a journal without a gap. No circuit breaker: a commit that cannot finish fails on SQLite's
    /// busy timeout instead.
    /// </remarks>
    protected override bool AroundReceive(Receive receive, object message)
    {
        // Only in the journal's own behaviour: while the plugin makes its tables it has another (Initializing), which stashes
        // every message until they exist and may retry. On SQLite that is done within PreStart today, but not by contract.
        if (message is not WriteMessages write || receive.Method.Name != nameof(Receive))
            return base.AroundReceive(receive, message);
        Write(write);
        return true;
    }

    private void Write(WriteMessages write)
    {
        Task written;
        Exception?[] rejected;
        try
        {
            (written, rejected) = Submit(PreparePersistentBatch(write.Messages).ToList(), write.ActorInstanceId);
        }
        catch (Exception e)
        {
            // As Akka's journal: a batch that cannot be prepared (an event adapter failing) is rejected whole, in its turn.
            (written, rejected) = (Submit([], write.ActorInstanceId).Written, Enumerable.Repeat(e, write.Messages.OfType<AtomicWrite>().Count()).ToArray());
        }
        write.PersistentActor.Tell(WriteMessagesSuccessful.Instance, Self);
        written.ContinueWith(t => Answer(write, t, rejected), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Each event's answer, in the write's order and with its own sender, as Akka's journal gives it; a failed commit fails every event (the actor stops at the first).</summary>
    private static void Answer(WriteMessages write, Task written, Exception?[] rejected)
    {
        var actor = write.PersistentActor;
        var instance = write.ActorInstanceId;
        var failure = written.Exception is { } e ? (e.InnerExceptions.Count == 1 ? e.InnerExceptions[0] : e) : null;
        var index = 0;
        foreach (var message in write.Messages)
        {
            if (message is not AtomicWrite atomic)
            {
                actor.Tell(new LoopMessageSuccess(message.Payload, instance), message.Sender);
                continue;
            }
            var reason = rejected[index++];
            foreach (var persistent in (IImmutableList<IPersistentRepresentation>)atomic.Payload)
                actor.Tell(failure is not null ? new WriteMessageFailure(persistent, failure, instance)
                    : reason is null ? new WriteMessageSuccess(persistent, instance)
                    : new WriteMessageRejected(persistent, reason, instance), persistent.Sender);
        }
    }

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var (written, rejected) = Submit(messages as IReadOnlyList<AtomicWrite> ?? messages.ToList(), instance: null);
        return Rejections(written, rejected);
    }

    /// <summary>Hands the writes' rows to the writer; an event that cannot be serialised is rejected (its actor hears so) and the rest go on, as the plugin does.</summary>
    private (Task Written, Exception?[] Rejected) Submit(IReadOnlyList<AtomicWrite> writes, int? instance)
    {
        var created = DateTime.UtcNow.Ticks;
        var rejected = new Exception?[writes.Count];
        var rows = new List<SqliteJournalRow>();
        for (var i = 0; i < writes.Count; i++)
        {
            var before = rows.Count;
            try
            {
                foreach (var representation in (IImmutableList<IPersistentRepresentation>)writes[i].Payload)
                    rows.Add(Row(representation, created));
            }
            catch (Exception e)
            {
                rows.RemoveRange(before, rows.Count - before);
                rejected[i] = e;
            }
        }
        // Through the writer even with no rows left, so that an actor hears of its writes in the order it made them; after the
        // same actor instance's previous one, so that none is written once that failed, even if the actor told it before it
        // heard so. A new instance (the actor restarted) follows on from none of the old one's: its recovery waited for them.
        if (writes.Count == 0)
            return (_writer.WriteAsync([]), rejected);
        var persistenceId = writes[0].PersistenceId;
        var previous = instance is not null && _writing.TryGetValue(persistenceId, out var last) && last.Instance == instance ? last.Task : null;
        var written = _writer.WriteAsync(rows, previous);
        _writing[persistenceId] = (written, instance);
        var self = Self;
        written.ContinueWith(_ => self.Tell(new Written(persistenceId, written)), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return (written, rejected);
    }

    private static async Task<IImmutableList<Exception>> Rejections(Task written, Exception?[] rejected)
    {
        await written;
        return rejected.ToImmutableList()!;
    }

    private SqliteJournalRow Row(IPersistentRepresentation representation, long created)
    {
        var (payload, tags) = representation.Payload is Tagged tagged
            ? (tagged.Payload, (IReadOnlyCollection<string>)tagged.Tags)
            : (representation.Payload, []);
        var serializer = _serialization.FindSerializerForType(payload.GetType(), _defaultSerializer);
        var manifest = serializer switch
        {
            SerializerWithStringManifest withManifest => withManifest.Manifest(payload),
            { IncludeManifest: true } => payload.GetType().TypeQualifiedName(),
            _ => string.Empty,
        };
        var bytes = Akka.Serialization.Serialization.WithTransport(_serialization.System, (serializer, payload), s => s.serializer.ToBinary(s.payload));
        return new SqliteJournalRow(representation.Timestamp == 0 ? created : representation.Timestamp, representation.PersistenceId,
            representation.SequenceNr, bytes, manifest, serializer.Identifier, _writerUuid, tags);
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        if (_writing.TryGetValue(persistenceId, out var inProgress))
            await inProgress.Task.ContinueWith(_ => { }, TaskScheduler.Default); // done, whether it succeeded or not
        return await base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);
    }

    protected override bool ReceivePluginInternal(object message)
    {
        if (message is not Written written)
            return base.ReceivePluginInternal(message);
        // A failed write stays: its actor instance may still tell writes that must not be written.
        if (_writing.TryGetValue(written.PersistenceId, out var latest) && latest.Task == written.Task && !written.Task.IsFaulted)
            _writing.Remove(written.PersistenceId);
        return true;
    }

    private sealed record Written(string PersistenceId, Task Task) : INoSerializationVerificationNeeded;
}
