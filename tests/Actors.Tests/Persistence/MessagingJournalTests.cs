using ActorNet.Actors.Messaging;
using ActorNet.Actors.Tests.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ActorNet.Actors.Tests.Persistence;

/// <summary>
/// The outbox and the inbox on the real journal (SQL on SQLite, as a node runs it): envelopes for an offline recipient
/// stay in the journal and are read back page by page, and recovery starts from a snapshot of the bookkeeping.
/// </summary>
public sealed class MessagingJournalTests
{
    private static readonly BureauCode FR = new("FR"), US = new("US"), DE = new("DE");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    // Every Tell here names no sender: a TestKit constructed on a thread leaves its test actor as that thread's current
    // actor, and an implicit sender picked up from it would send this test's replies into another test's expectations.

    // Small figures, so a few thousand messages cross every boundary many times over.
    private static readonly OutboxSettings Small = new(Window: 200, BatchSize: 50, HeldPerRecipient: 300, SnapshotEvery: 500, MaxJournalSpan: 1000);

    [Fact]
    public void Snapshots_come_at_least_a_quarter_of_the_history_apart()
    {
        // A snapshot holds every message's bookkeeping: at a fixed interval a long history would make each one dearer.
        Assert.Equal(500, Small.SnapshotAfter(0));
        Assert.Equal(500, Small.SnapshotAfter(2000));
        Assert.Equal(25_000, Small.SnapshotAfter(100_000));
        Assert.Equal(250_000, OutboxSettings.Default.SnapshotAfter(1_000_000));
        Assert.Equal(10_000, OutboxSettings.Default.SnapshotAfter(1_000));
    }

    [Fact]
    public async Task An_offline_recipients_queue_stays_in_the_journal_and_arrives_in_order_once_it_returns()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var node = await SqlPersistenceTests.StartAsync(database.Storage);
        var links = new Dictionary<BureauCode, IActorRef> { [US] = node.System.ActorOf(Props.Create(() => new Link())), [DE] = node.System.ActorOf(Props.Create(() => new Link())) };
        var outbox = node.System.ActorOf(OutboxActor.Props(FR, ActorRefs.Nobody, r => links[r], Small), "outbox");

        const int total = 3000;
        // Every third message also goes to DE: US's envelopes are spread over a journal shared with another recipient.
        await PostAsync(outbox, Enumerable.Range(0, total).Select(i => ($"m{i}", i % 3 == 0 ? new[] { US, DE } : [US])));

        var memory = await outbox.Ask<OutboxActor.Memory>(OutboxActor.GetMemory.Instance, Bound);
        Assert.Equal(total, memory.Messages);
        Assert.Equal(total + total / 3, memory.Pending);
        Assert.InRange(memory.HeldParcels, 1, 2 * Small.HeldPerRecipient);

        var usInbox = node.System.ActorOf(InboxActor.Props(US, PassingGate.Instance, ActorRefs.Nobody, _ => outbox), "inbox-us");
        links[US].Tell(new Link.SetTarget(usInbox), ActorRefs.NoSender);
        var received = await AllArrivedAsync(usInbox, US, total);
        Assert.Equal(Enumerable.Range(0, total).Select(i => $"m{i}"), received.Select(r => r.Id));
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), received.Select(r => r.Sequence));

        await Until(async () => await StateAsync(outbox, $"m{total - 1}", US) == DeliveryStates.Delivered, "the last message delivered");
        Assert.Equal(DeliveryStates.Queued, await StateAsync(outbox, "m0", DE)); // DE is still away
        memory = await outbox.Ask<OutboxActor.Memory>(OutboxActor.GetMemory.Instance, Bound);
        Assert.Equal(total / 3, memory.Pending);
        Assert.InRange(memory.HeldParcels, 0, Small.HeldPerRecipient);
    }

    [Fact]
    public async Task Recovery_starts_from_the_latest_snapshot_and_delivers_what_was_queued()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        const int total = 1234;
        await using (var first = await SqlPersistenceTests.StartAsync(database.Storage))
        {
            var link = first.System.ActorOf(Props.Create(() => new Link()));
            var outbox = first.System.ActorOf(OutboxActor.Props(FR, ActorRefs.Nobody, _ => link, Small), "outbox");
            // In waves of 100, each written as one event or more: the thousandth message is in event 10 or later.
            // Snapshots are saved as the messages come (every 500 here) and the older ones deleted; a save still under way
            // when the next 500 are in skips that one, so the test lets the first finish before the second is due.
            var waves = Enumerable.Range(0, total).Chunk(100).ToList();
            var snapshots = (0L, 0L);
            foreach (var wave in waves.Take(7))
                await PostAsync(outbox, wave.Select(i => ($"m{i}", new[] { US })));
            await Until(async () => (snapshots = await SnapshotsAsync(database, "outbox-FR")) is (1, >= 5), "a snapshot at event 5 or later",
                () => $"{snapshots.Item1} snapshots, the latest at {snapshots.Item2}");
            foreach (var wave in waves.Skip(7))
                await PostAsync(outbox, wave.Select(i => ($"m{i}", new[] { US })));
            outbox.Tell(new DeliveryProtocol.ReadReceipt(US, FR, ["m3"], DateTimeOffset.UtcNow), ActorRefs.NoSender); // as if read before a delivery was acknowledged
            await Until(async () => await StateAsync(outbox, "m3", US) == DeliveryStates.Read, "m3 read");
            await Until(async () => (snapshots = await SnapshotsAsync(database, "outbox-FR")) is (1, >= 10), "one snapshot left, at event 10 or later",
                () => $"{snapshots.Item1} snapshots, the latest at {snapshots.Item2}");
        }

        await using var second = await SqlPersistenceTests.StartAsync(database.Storage);
        var relink = second.System.ActorOf(Props.Create(() => new Link()));
        var revived = second.System.ActorOf(OutboxActor.Props(FR, ActorRefs.Nobody, _ => relink, Small), "outbox");
        var memory = await revived.Ask<OutboxActor.Memory>(OutboxActor.GetMemory.Instance, Bound);
        Assert.True(memory.SnapshotSequence >= 10, $"recovered from a snapshot at {memory.SnapshotSequence}");
        Assert.InRange(memory.ReplayedEvents, 0, Small.SnapshotEvery - 1);
        Assert.Equal(total, memory.Messages);
        Assert.Equal(total, memory.Pending);
        Assert.Equal(DeliveryStates.Read, await StateAsync(revived, "m3", US));
        Assert.Equal(DeliveryStates.Queued, await StateAsync(revived, "m0", US));

        var inbox = second.System.ActorOf(InboxActor.Props(US, PassingGate.Instance, ActorRefs.Nobody, _ => revived), "inbox-us");
        relink.Tell(new Link.SetTarget(inbox), ActorRefs.NoSender);
        var received = await AllArrivedAsync(inbox, US, total);
        Assert.Equal(Enumerable.Range(0, total).Select(i => $"m{i}"), received.Select(r => r.Id));
        await Until(async () => await StateAsync(revived, $"m{total - 1}", US) == DeliveryStates.Delivered, "the last message delivered");
    }

    [Fact]
    public async Task An_inbox_recovers_from_its_latest_snapshot_reads_every_message_back_and_carries_on_in_order()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        const int total = 1234, perDelivery = 10;
        static byte[] Sealed(long i) => BitConverter.GetBytes(i * 7919);
        static DeliveryProtocol.Deliver Delivery(long from, long to) =>
            new(FR, US, Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => new Parcel(i, $"m{i}", Sealed(i))).ToArray());
        Props Inbox() => InboxActor.Props(US, PassingGate.Instance, ActorRefs.Nobody, _ => ActorRefs.Nobody, recentBytes: 1024, snapshotEvery: 100);
        const long events = (total + perDelivery - 1) / perDelivery;

        await using (var first = await SqlPersistenceTests.StartAsync(database.Storage))
        {
            var inbox = first.System.ActorOf(Inbox(), "inbox");
            for (var from = 1L; from <= total; from += perDelivery)
                inbox.Tell(Delivery(from, Math.Min(from + perDelivery - 1, total)), ActorRefs.NoSender);
            await AllArrivedAsync(inbox, US, total);
            // Snapshots are saved as deliveries are written; the older ones are deleted.
            var snapshots = (0L, 0L);
            await Until(async () => (snapshots = await SnapshotsAsync(database, "inbox-US")) is (1, >= events / 2), "one inbox snapshot left, in the second half of its journal",
                () => $"{snapshots.Item1} snapshots, the latest at {snapshots.Item2}");
        }

        await using var second = await SqlPersistenceTests.StartAsync(database.Storage);
        var revived = second.System.ActorOf(Inbox(), "inbox");
        var memory = await revived.Ask<InboxActor.Memory>(InboxActor.GetMemory.Instance, Bound);
        Assert.True(memory.SnapshotSequence >= events / 2, $"recovered from a snapshot at {memory.SnapshotSequence}");
        Assert.InRange(memory.ReplayedEvents, 0, events / 2);
        Assert.Equal(total, memory.Arrivals);

        // Every message comes back in arrival order with its own sealed bytes, read from the journal's events.
        var received = await AllArrivedAsync(revived, US, total);
        Assert.Equal(Enumerable.Range(1, total).Select(i => $"m{i}"), received.Select(r => r.Id));
        Assert.All(received, r => Assert.True(r.Sealed.Span.SequenceEqual(Sealed(r.Sequence)), $"{r.Id} came back with other bytes"));
        // It carries on after the last sequence it has: a resent parcel is not taken twice, the next one is.
        revived.Tell(Delivery(total - 1, total + 1), ActorRefs.NoSender);
        received = await AllArrivedAsync(revived, US, total + 1);
        Assert.Equal(total + 1, received.Count);
        Assert.Equal($"m{total + 1}", received[^1].Id);
    }

    private static async Task PostAsync(IActorRef outbox, IEnumerable<(string Id, BureauCode[] To)> messages)
    {
        var posts = messages.Select(m => outbox.Ask<OutboxCommands.Posted>(new OutboxCommands.Post(FR, m.Id, m.To, BitConverter.GetBytes(m.Id.GetHashCode())), Bound)).ToList();
        await Task.WhenAll(posts);
    }

    private static async Task<string> StateAsync(IActorRef outbox, string id, BureauCode recipient) =>
        (await outbox.Ask<OutboxQueries.MessageStatus>(new OutboxQueries.GetStatus(FR, id), Bound)).Recipients.Single(r => r.Recipient == recipient).State;

    private static async Task<IReadOnlyList<InboxEvents.Received>> AllArrivedAsync(IActorRef inbox, BureauCode bureau, int total)
    {
        IReadOnlyList<InboxEvents.Received> items = [];
        await Until(async () => (items = (await inbox.Ask<InboxQueries.Page>(new InboxQueries.List(bureau, null, 10_000), Bound)).Items).Count >= total,
            $"{total} messages at {bureau}", () => $"{items.Count} so far");
        return items;
    }

    private static async Task<(long Count, long Latest)> SnapshotsAsync(TestDatabase database, string persistenceId)
    {
        // The snapshot store's own file (StorageSettings.SnapshotConnectionString): were they in the journal's, this would find none.
        await using var connection = new SqliteConnection(database.Storage.SnapshotConnectionString + ";Pooling=False");
        await connection.OpenAsync();
        // The store makes its table on first use: none yet is no snapshot yet.
        var exists = connection.CreateCommand();
        exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'snapshot'";
        if ((long)(await exists.ExecuteScalarAsync())! == 0)
            return (0, 0);
        var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*), COALESCE(MAX(sequence_number), 0) FROM snapshot WHERE persistence_id = $id";
        count.Parameters.AddWithValue("$id", persistenceId);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static async Task Until(Func<Task<bool>> condition, string what, Func<string>? diagnostics = null)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
                throw new TimeoutException($"waited {Bound.TotalSeconds:0} s for {what}{(diagnostics is null ? "" : ": " + diagnostics())}");
            await Task.Delay(100);
        }
    }
}
