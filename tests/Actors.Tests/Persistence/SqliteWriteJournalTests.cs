using ActorNet.Actors.Audit;
using ActorNet.Actors.Hosting;
using ActorNet.Actors.Serialization;
using ActorNet.Protocol.Audit;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ActorNet.Actors.Tests.Persistence;

/// <summary>
/// On SQLite the journal's writes go through <see cref="SqliteJournalWriter"/>: rows as Akka.Persistence.Sql lays them out
/// (so its replays and queries read them), everything waiting in one commit, and one bad write failing alone.
/// </summary>
public sealed class SqliteWriteJournalTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Rows_are_the_plugins_own_and_it_reads_them_back_tags_included()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        var before = DateTime.UtcNow.Ticks;
        await using (var running = await SqlPersistenceTests.StartAsync(database.Storage))
        {
            Assert.Equal(typeof(SqliteWriteJournal), Type.GetType(running.System.Settings.Config.GetString("akka.persistence.journal.sql.class")));
            var writer = running.System.ActorOf(Props.Create(() => new EntryWriter("writer-1")));
            Assert.Equal(3, await writer.Ask<int>(new Write(3, TaggedAt: 2), Timeout));
        }
        var after = DateTime.UtcNow.Ticks;

        await using (var connection = new SqliteConnection(database.Storage.ConnectionString))
        {
            await connection.OpenAsync();
            var rows = await Rows(connection,
                "SELECT ordering, created, deleted, sequence_number, manifest, identifier, writer_uuid FROM journal WHERE persistence_id = 'writer-1' ORDER BY ordering");
            Assert.Equal([1L, 2L, 3L], rows.Select(r => (long)r[3]));
            Assert.All(rows, r =>
            {
                Assert.InRange((long)r[1], before, after);
                Assert.Equal(0L, (long)r[2]);
                Assert.Equal("a.entry", (string)r[4]);
                Assert.Equal((long)ActorNetSerializer.SerializerId, (long)r[5]);
                Assert.Matches("^[0-9a-f]{32}$", (string)r[6]);
            });
            var tags = await Rows(connection, "SELECT ordering_id, tag, sequence_nr, persistence_id FROM tags");
            var tag = Assert.Single(tags);
            Assert.Equal([rows[1][0], "entry-tag", 2L, "writer-1"], tag);
        }

        // Read back by the plugin: a new actor system replays them in order, and the read journal finds the tagged one.
        await using var again = await SqlPersistenceTests.StartAsync(database.Storage);
        var replayed = await again.System.ActorOf(Props.Create(() => new EntryWriter("writer-1"))).Ask<int>(new Write(0, 0), Timeout);
        Assert.Equal(3, replayed);
        var byTag = await PersistenceQuery.Get(again.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier)
            .CurrentEventsByTag("entry-tag", Offset.NoOffset())
            .RunWith(Sink.Seq<EventEnvelope>(), again.System.Materializer());
        Assert.Equal(2, Assert.Single(byTag).SequenceNr);
        Assert.Equal(2, ((AuditEntry)byTag[0].Event).Sequence);
    }

    [Fact]
    public async Task Writes_waiting_for_the_database_go_in_one_commit_and_a_bad_one_fails_alone()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await MakeTablesAsync(database);

        using var writer = new SqliteJournalWriter(database.Storage.ConnectionString);
        // Another connection holds the database's write lock: the writer waits for it, and what arrives meanwhile waits too.
        await WhileLockedAsync(database, () => Enumerable.Range(1, 50).Select(i => writer.WriteAsync([Row("batch", i)])).ToList());
        // The first write alone (taken before the others arrived) or with them, then the rest together: never one commit a write.
        Assert.InRange(writer.Commits, 1, 2);

        // A write whose row is there already fails, and only it: the others waiting with it are committed.
        Task? duplicate = null;
        await WhileLockedAsync(database, () =>
        {
            var writes = new List<Task> { writer.WriteAsync([Row("batch", 51)]) };
            duplicate = writer.WriteAsync([Row("batch", 7)]);
            writes.Add(writer.WriteAsync([Row("batch", 52), Row("batch", 53)]));
            return writes;
        });
        var refused = await Assert.ThrowsAsync<SqliteException>(() => duplicate!.WaitAsync(Timeout));
        Assert.Contains("UNIQUE", refused.Message);

        await using var connection = new SqliteConnection(database.Storage.ConnectionString);
        await connection.OpenAsync();
        var written = await Rows(connection, "SELECT sequence_number FROM journal WHERE persistence_id = 'batch' ORDER BY sequence_number");
        Assert.Equal(Enumerable.Range(1, 53).Select(i => (long)i), written.Select(r => (long)r[0]));
        // And the writer goes on after the failure.
        await writer.WriteAsync([Row("batch", 54)]).WaitAsync(Timeout);
    }

    [Fact]
    public async Task Text_and_bytes_go_in_as_given_short_or_long_ascii_or_not()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await MakeTablesAsync(database);

        // Past the writer's stack buffer for text (512 bytes) and well within it, with characters of two, three and four bytes.
        var longId = "bureau-Ελλάδα-" + string.Concat(Enumerable.Repeat("Ιντερπόλ-インターポール-🚓", 40));
        var message = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray();
        using (var writer = new SqliteJournalWriter(database.Storage.ConnectionString))
        {
            await writer.WriteAsync([
                new SqliteJournalRow(42, longId, 1, message, "m.ü", 7, "writer-ß", ["tag-ñ", longId]),
                new SqliteJournalRow(43, "short", 1, [], "m", 7, "w", []),
            ]).WaitAsync(Timeout);
        }

        await using var connection = new SqliteConnection(database.Storage.ConnectionString);
        await connection.OpenAsync();
        var rows = await Rows(connection,
            "SELECT created, persistence_id, sequence_number, message, manifest, identifier, writer_uuid, ordering FROM journal WHERE created IN (42, 43) ORDER BY created");
        Assert.Equal([42L, longId, 1L, message, "m.ü", 7L, "writer-ß"], rows[0][..7]);
        Assert.Equal([43L, "short", 1L, Array.Empty<byte>(), "m", 7L, "w"], rows[1][..7]);
        var tags = await Rows(connection, $"SELECT ordering_id, tag, sequence_nr, persistence_id FROM tags WHERE ordering_id = {rows[0][7]} ORDER BY tag");
        Assert.Equal([[rows[0][7], longId, 1L, longId], [rows[0][7], "tag-ñ", 1L, longId]], tags);
    }

    [Fact]
    public async Task A_write_continued_on_the_writers_thread_may_stop_it()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await MakeTablesAsync(database);

        var writer = new SqliteJournalWriter(database.Storage.ConnectionString);
        // The continuation runs on the writer's thread, which must not wait for itself to end.
        var stopped = writer.WriteAsync([Row("stopping", 1)]).ContinueWith(_ => writer.Dispose(), TaskContinuationOptions.ExecuteSynchronously);
        await stopped.WaitAsync(Timeout);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync([Row("stopping", 2)]));
        writer.Dispose();

        await using var connection = new SqliteConnection(database.Storage.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal([1L], (await Rows(connection, "SELECT sequence_number FROM journal WHERE persistence_id = 'stopping'")).Select(r => (long)r[0]));
    }

    /// <summary>Has the plugin make its tables in <paramref name="database"/>, through one write of a persistent actor.</summary>
    private static async Task MakeTablesAsync(TestDatabase database)
    {
        await using var running = await SqlPersistenceTests.StartAsync(database.Storage);
        await MakeTablesAsync(running.System);
    }

    private static async Task MakeTablesAsync(ActorSystem system) =>
        Assert.Equal(1, await system.ActorOf(Props.Create(() => new EntryWriter("tables"))).Ask<int>(new Write(1, 0), Timeout));

    /// <summary>A journal with its tables made, and an inbox to tell it writes from as a persistent actor would.</summary>
    private sealed record DirectJournal(TestDatabase Database, SqlPersistenceTests.RunningSystem Running, IActorRef Journal, Inbox Actor) : IAsyncDisposable
    {
        public static async Task<DirectJournal> StartAsync()
        {
            var database = await TestDatabase.CreateAsync("sqlite");
            SqlPersistenceTests.RunningSystem? running = null;
            try
            {
                running = await SqlPersistenceTests.StartAsync(database.Storage);
                await MakeTablesAsync(running.System);
                return new DirectJournal(database, running, Akka.Persistence.Persistence.Instance.Apply(running.System).JournalFor(null), Inbox.Create(running.System));
            }
            catch
            {
                if (running is not null)
                    await running.DisposeAsync();
                await database.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Running.DisposeAsync();
            await Database.DisposeAsync();
        }
    }

    /// <summary>Two chained audit entries: events with a wire format, for writes told to the journal directly.</summary>
    private static (AuditEntry First, AuditEntry Second) TwoEntries()
    {
        var first = AuditLog.Next(null, DateTimeOffset.UtcNow, new AuditCommands.Record(AuditKinds.MessageSent, "m1", "US", "detail"));
        return (first, AuditLog.Next(first, DateTimeOffset.UtcNow, new AuditCommands.Record(AuditKinds.MessageSent, "m2", "US", "detail")));
    }

    private static IPersistentRepresentation Persisted(string persistenceId, object entry, long sequence) =>
        new Persistent(entry, sequence, persistenceId, string.Empty, false, ActorRefs.NoSender, "0123456789abcdef0123456789abcdef");

    /// <summary>Starts the writes while another connection holds the write lock, lets go, and waits for them to be committed.</summary>
    private static async Task WhileLockedAsync(TestDatabase database, Func<List<Task>> start)
    {
        List<Task> writes;
        await using (var blocker = new SqliteConnection(database.Storage.ConnectionString))
        {
            await blocker.OpenAsync();
            await using var holding = blocker.BeginTransaction(deferred: false);
            writes = start();
            await holding.RollbackAsync();
        }
        await Task.WhenAll(writes).WaitAsync(Timeout);
    }

    [Fact]
    public async Task A_write_that_follows_on_from_a_failed_one_is_not_written_and_one_without_rows_completes_in_turn()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await MakeTablesAsync(database);

        using var writer = new SqliteJournalWriter(database.Storage.ConnectionString);
        await writer.WriteAsync([Row("follow", 1)]).WaitAsync(Timeout);
        Task duplicate = null!, second = null!, third = null!, other = null!, empty = null!;
        await WhileLockedAsync(database, () =>
        {
            duplicate = writer.WriteAsync([Row("follow", 1)]);
            second = writer.WriteAsync([Row("follow", 2)], after: duplicate);
            third = writer.WriteAsync([Row("follow", 3)], after: second);
            other = writer.WriteAsync([Row("other", 1)]);
            empty = writer.WriteAsync([], after: other);
            return [other, empty];
        });
        Assert.Contains("UNIQUE", (await Assert.ThrowsAsync<SqliteException>(() => duplicate.WaitAsync(Timeout))).Message);
        Assert.Contains("earlier write", (await Assert.ThrowsAsync<InvalidOperationException>(() => second.WaitAsync(Timeout))).Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => third.WaitAsync(Timeout));

        await using var connection = new SqliteConnection(database.Storage.ConnectionString);
        await connection.OpenAsync();
        // No gap: what came after the failed write is not there; the other actor's write is.
        Assert.Equal([1L], (await Rows(connection, "SELECT sequence_number FROM journal WHERE persistence_id = 'follow'")).Select(r => (long)r[0]));
        Assert.Single(await Rows(connection, "SELECT sequence_number FROM journal WHERE persistence_id = 'other'"));
    }

    [Fact]
    public async Task An_actor_may_write_again_before_its_commit_and_hears_of_each_event_in_turn()
    {
        await using var direct = await DirectJournal.StartAsync();
        var (database, journal, actor) = (direct.Database, direct.Journal, direct.Actor);
        var (first, second) = TwoEntries();
        IPersistentRepresentation Event(object entry, long sequence) => Persisted("pipelined", entry, sequence);

        var received = new List<object>();
        await using (var blocker = new SqliteConnection(database.Storage.ConnectionString))
        {
            await blocker.OpenAsync();
            await using var holding = blocker.BeginTransaction(deferred: false);
            // While nothing can commit, the actor may send its next write at once: it hears so for each (Akka's own journal
            // would answer the first only after its commit, and the actor would hold the rest back until then).
            journal.Tell(new WriteMessages([new AtomicWrite(Event(first, 1))], actor.Receiver, 7));
            received.Add(await actor.ReceiveAsync(Timeout));
            // A write left with no rows (its event has no wire format) is answered in its turn, after the one still in flight.
            journal.Tell(new WriteMessages([new AtomicWrite(Event(new Unwritable(), 2))], actor.Receiver, 7));
            received.Add(await actor.ReceiveAsync(Timeout));
            journal.Tell(new WriteMessages([new AtomicWrite(Event(second, 3))], actor.Receiver, 7));
            received.Add(await actor.ReceiveAsync(Timeout));
            Assert.All(received, r => Assert.IsType<WriteMessagesSuccessful>(r));
            await holding.RollbackAsync();
        }
        for (var i = 0; i < 3; i++)
            received.Add(await actor.ReceiveAsync(Timeout));
        Assert.Equal(1, Assert.IsType<WriteMessageSuccess>(received[3]).Persistent.SequenceNr);
        Assert.Equal(2, Assert.IsType<WriteMessageRejected>(received[4]).Persistent.SequenceNr);
        Assert.Equal(3, Assert.IsType<WriteMessageSuccess>(received[5]).Persistent.SequenceNr);
        Assert.All(received.Skip(3), r => Assert.Equal(7, r switch { WriteMessageSuccess w => w.ActorInstanceId, WriteMessageRejected j => j.ActorInstanceId, _ => -1 }));
    }

    [Fact]
    public async Task A_write_told_after_the_same_actors_failed_commit_is_not_written_and_its_next_incarnation_writes_again()
    {
        await using var direct = await DirectJournal.StartAsync();
        var (database, journal, actor) = (direct.Database, direct.Journal, direct.Actor);
        var (first, second) = TwoEntries();
        async Task<object> Written(int instance, object entry, long sequence)
        {
            journal.Tell(new WriteMessages([new AtomicWrite(Persisted("failing", entry, sequence))], actor.Receiver, instance));
            Assert.IsType<WriteMessagesSuccessful>(await actor.ReceiveAsync(Timeout));
            return await actor.ReceiveAsync(Timeout);
        }

        Assert.IsType<WriteMessageSuccess>(await Written(1, first, 1));
        // Its sequence number again: the commit fails. The actor may tell its next write before it hears so, even after the
        // commit failed; that write follows on from the failed one and is not written, or the journal would have a gap.
        Assert.Contains("UNIQUE", Assert.IsType<WriteMessageFailure>(await Written(1, first, 1)).Cause.Message);
        Assert.Contains("earlier write", Assert.IsType<WriteMessageFailure>(await Written(1, second, 2)).Cause.Message);
        // The actor's next incarnation (another instance, once it has recovered) writes again.
        Assert.IsType<WriteMessageSuccess>(await Written(2, second, 2));

        await using var connection = new SqliteConnection(database.Storage.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal([1L, 2L], (await Rows(connection, "SELECT sequence_number FROM journal WHERE persistence_id = 'failing' ORDER BY ordering")).Select(r => (long)r[0]));
    }

    [Fact]
    public async Task An_event_that_cannot_be_serialised_is_rejected_and_its_actor_goes_on()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using (var running = await SqlPersistenceTests.StartAsync(database.Storage))
        {
            var writer = running.System.ActorOf(Props.Create(() => new EntryWriter("rejecting")));
            Assert.Equal(1, await writer.Ask<int>(new Write(1, 0), Timeout));
            Assert.Contains("has no wire format", await writer.Ask<string>(new WriteUnwritable(), Timeout));
            Assert.Equal(2, await writer.Ask<int>(new Write(1, 0), Timeout));
        }

        await using var again = await SqlPersistenceTests.StartAsync(database.Storage);
        Assert.Equal(2, await again.System.ActorOf(Props.Create(() => new EntryWriter("rejecting"))).Ask<int>(new Write(0, 0), Timeout));
    }

    private static SqliteJournalRow Row(string persistenceId, long sequence) =>
        new(DateTime.UtcNow.Ticks, persistenceId, sequence, [1, 2, 3], "a.entry", ActorNetSerializer.SerializerId, "0123456789abcdef0123456789abcdef", []);

    private static async Task<List<object[]>> Rows(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Persists <paramref name="Count"/> audit entries (the one at <paramref name="TaggedAt"/> tagged); answers how many it holds.</summary>
    private sealed record Write(int Count, int TaggedAt);

    /// <summary>Persists an event no serializer takes; answers with the rejection's message.</summary>
    private sealed record WriteUnwritable;

    private sealed record Unwritable : Protocol.IActorNetMessage;

    private sealed class EntryWriter : ReceivePersistentActor
    {
        private AuditEntry? _last;
        private int _held;

        public EntryWriter(string persistenceId)
        {
            PersistenceId = persistenceId;
            Recover<AuditEntry>(e => (_last, _held) = (e, _held + 1));
            Command<Write>(write =>
            {
                var events = new List<object>();
                for (var i = 0; i < write.Count; i++)
                {
                    _last = AuditLog.Next(_last, DateTimeOffset.UtcNow, new AuditCommands.Record(AuditKinds.MessageSent, $"m{i}", "US", "detail"));
                    events.Add(_last.Sequence == write.TaggedAt ? new Tagged(_last, ["entry-tag"]) : _last);
                }
                if (events.Count == 0)
                {
                    Sender.Tell(_held);
                    return;
                }
                var replyTo = Sender;
                var written = 0;
                PersistAll(events, _ =>
                {
                    _held++;
                    if (++written == write.Count)
                        replyTo.Tell(_held);
                });
            });
            Command<WriteUnwritable>(_ =>
            {
                _rejectionTo = Sender;
                Persist(new Unwritable(), _ => { });
            });
        }

        private IActorRef? _rejectionTo;

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr) => _rejectionTo?.Tell(cause.Message);

        public override string PersistenceId { get; }
    }
}
