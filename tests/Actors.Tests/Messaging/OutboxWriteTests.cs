using System.Collections.Immutable;
using ActorNet.Actors.Messaging;
using ActorNet.Actors.Serialization;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Messaging;

/// <summary>
/// The in-memory journal, except that the outbox's writes wait between <see cref="Hold"/> and <see cref="Release"/>: a write waiting for a
/// slow commit, for as long as a test needs. Only <see cref="OutboxWriteTests"/> uses it.
/// </summary>
public sealed class HeldOutboxJournal : MemoryJournal
{
    private static volatile TaskCompletionSource _held = Open();
    private static int _writes;

    /// <summary>Writes of the outbox the journal has been handed so far, held or not.</summary>
    public static int Writes => Volatile.Read(ref _writes);

    /// <summary>From now on the outbox's writes wait.</summary>
    public static void Hold() => _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The waiting writes go on, and later ones do not wait.</summary>
    public static void Release() => _held.TrySetResult();

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        if (writes.Any(w => w.PersistenceId.StartsWith("outbox-", StringComparison.Ordinal)))
        {
            Interlocked.Increment(ref _writes);
            await _held.Task;
        }
        return await base.WriteMessagesAsync(writes, cancellationToken);
    }
}

/// <summary>How the outbox writes what it is posted, on a journal whose commits can be made to wait.</summary>
public sealed class OutboxWriteTests() : TestKit(Config)
{
    private static readonly Config Config = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.actornet = "{{typeof(ActorNetSerializer).AssemblyQualifiedName}}"
          serialization-bindings { "{{typeof(IActorNetMessage).AssemblyQualifiedName}}" = actornet }
        }
        akka.persistence.journal {
          plugin = "akka.persistence.journal.held"
          held {
            class = "{{typeof(HeldOutboxJournal).AssemblyQualifiedName}}"
            plugin-dispatcher = "akka.actor.default-dispatcher"
          }
        }
        akka.loglevel = WARNING
        """);

    private static readonly BureauCode FR = new("FR"), US = new("US");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_outbox_answers_and_takes_posts_while_a_write_waits_for_its_commit_and_keeps_their_order()
    {
        var audit = CreateTestProbe();
        var inbox = Sys.ActorOf(InboxActor.Props(US, PassingGate.Instance, audit, _ => TestActor));
        var outbox = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => inbox));
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        var third = CreateTestProbe();

        outbox.Tell(new OutboxCommands.Post(FR, "m1", [US], new byte[] { 1 }), first);
        Assert.Equal("m1", (await first.ExpectMsgAsync<OutboxCommands.Posted>(Bound)).Id);

        HeldOutboxJournal.Hold();
        var writes = HeldOutboxJournal.Writes;
        outbox.Tell(new OutboxCommands.Post(FR, "m2", [US], new byte[] { 2 }), second);
        await AwaitConditionAsync(() => Task.FromResult(HeldOutboxJournal.Writes > writes), Bound);
        // m2's write waits for its commit. The outbox goes on meanwhile (it held every command back until the commit, as
        // Akka's PersistAll does): it answers, and takes m3 into the journal's next write.
        outbox.Tell(new OutboxCommands.Post(FR, "m3", [US], new byte[] { 3 }), third);
        Assert.IsType<OutboxQueries.MessageStatus>(await outbox.Ask<object>(new OutboxQueries.GetStatus(FR, "m1"), TimeSpan.FromSeconds(5)));
        Assert.IsType<OutboxQueries.NotFound>(await outbox.Ask<object>(new OutboxQueries.GetStatus(FR, "m2"), TimeSpan.FromSeconds(5)));

        HeldOutboxJournal.Release();
        Assert.Equal("m2", (await second.ExpectMsgAsync<OutboxCommands.Posted>(Bound)).Id);
        Assert.Equal("m3", (await third.ExpectMsgAsync<OutboxCommands.Posted>(Bound)).Id);
        await AwaitConditionAsync(async () =>
            (await inbox.Ask<InboxQueries.Page>(new InboxQueries.List(US, null, 10), Bound)).Items.Count == 3, Bound);
        var received = (await inbox.Ask<InboxQueries.Page>(new InboxQueries.List(US, null, 10), Bound)).Items;
        Assert.Equal(["m1", "m2", "m3"], received.Select(r => r.Id));
        Assert.Equal([1L, 2L, 3L], received.Select(r => r.Sequence));
        await AwaitConditionAsync(async () =>
            await outbox.Ask<object>(new OutboxQueries.GetStatus(FR, "m3"), Bound) is OutboxQueries.MessageStatus s
            && s.Recipients.Single().State == DeliveryStates.Delivered, Bound);
    }
}
