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
    // Per persistence id, its last write still in progress: a highest sequence number is read once it is done.
    private readonly Dictionary<string, Task> _writing = new(StringComparer.Ordinal);

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

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var created = DateTime.UtcNow.Ticks;
        var writes = messages as IReadOnlyList<AtomicWrite> ?? messages.ToList();
        var rejected = new Exception?[writes.Count];
        var rows = new List<SqliteJournalRow>();
        for (var i = 0; i < writes.Count; i++)
        {
            // An event that cannot be serialised is rejected (its actor hears so) and the rest of the write goes on, as the plugin does.
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
        var written = rows.Count == 0 ? Task.CompletedTask : _writer.WriteAsync(rows);
        var persistenceId = writes[0].PersistenceId;
        _writing[persistenceId] = written;
        var self = Self;
        written.ContinueWith(_ => self.Tell(new Written(persistenceId, written)), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Rejections(written, rejected);
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
            await inProgress.ContinueWith(_ => { }, TaskScheduler.Default); // done, whether it succeeded or not
        return await base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);
    }

    protected override bool ReceivePluginInternal(object message)
    {
        if (message is not Written written)
            return base.ReceivePluginInternal(message);
        if (_writing.TryGetValue(written.PersistenceId, out var latest) && latest == written.Task)
            _writing.Remove(written.PersistenceId);
        return true;
    }

    private sealed record Written(string PersistenceId, Task Task) : INoSerializationVerificationNeeded;
}
