using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Serialization;
using Xunit;

namespace ActorNet.Actors.Tests.Messaging;

/// <summary>The outbox's bookkeeping without an actor system: where envelopes are in the journal, what each message's state is, snapshots.</summary>
public sealed class OutboxStateTests
{
    private static readonly BureauCode FR = new("FR"), US = new("US"), DE = new("DE");
    private static readonly DateTimeOffset At = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Consecutive_envelopes_in_consecutive_journal_events_are_one_run_and_delivery_trims_it()
    {
        var runs = new JournalRuns();
        for (var s = 1; s <= 100; s++)
            runs.Append(s, 10 + s);
        runs.Append(101, 200); // another write, after other events
        Assert.Equal(2, runs.RunCount);

        runs.DropThrough(40);
        Assert.Equal(new OutboxSnapshot.JournalRun(41, 51, 60), runs.Runs[0]);
        Assert.Equal((51L, 60L, 50L), runs.RangeFrom(41, 10, 1000));
        // The whole rest spans journal 51..200; a span of 100 events stops inside it.
        Assert.Equal((51L, 110L, 100L), runs.RangeFrom(41, 1000, 100));
        Assert.Equal((51L, 200L, 101L), runs.RangeFrom(41, 1000, 1000));
        runs.DropThrough(101);
        Assert.Null(runs.RangeFrom(102, 10, 1000));
    }

    [Fact]
    public void Envelopes_written_in_one_event_are_one_run_that_is_read_back_from_that_event()
    {
        var runs = new JournalRuns();
        runs.Append(1, 10); // a single post
        runs.Append(2, 11); // a batch: 2..5 in event 11
        runs.Append(3, 11);
        runs.Append(4, 11);
        runs.Append(5, 11);
        runs.Append(6, 12); // the next batch, 6..8 in event 12
        runs.Append(7, 12);
        runs.Append(8, 12);
        Assert.Equal(
            [new OutboxSnapshot.JournalRun(1, 10, 1), new OutboxSnapshot.JournalRun(2, 11, 4, InOneEvent: true), new OutboxSnapshot.JournalRun(6, 12, 3, InOneEvent: true)],
            runs.Runs);

        Assert.Equal((11L, 11L, 4L), runs.RangeFrom(3, 2, 1000)); // two parcels, both in event 11
        Assert.Equal((10L, 12L, 7L), runs.RangeFrom(1, 7, 1000));
        Assert.Equal((10L, 11L, 5L), runs.RangeFrom(1, 100, 2)); // a span of two events holds 1..5
        runs.DropThrough(3);
        Assert.Equal(new OutboxSnapshot.JournalRun(4, 11, 2, InOneEvent: true), runs.Runs[0]);
        Assert.Equal((11L, 12L, 8L), runs.RangeFrom(4, 100, 1000));
        runs.DropThrough(5);
        Assert.Equal((12L, 12L, 8L), runs.RangeFrom(1, 100, 1000));
    }

    [Fact]
    public void A_batch_that_shares_its_event_with_the_end_of_a_run_of_single_posts_takes_that_envelope_into_its_own_run()
    {
        var runs = new JournalRuns();
        runs.Append(1, 5);
        runs.Append(2, 6);
        runs.Append(3, 7);
        runs.Append(4, 7); // 3 and 4 are in event 7
        runs.Append(5, 8); // and 5 alone in event 8
        Assert.Equal(
            [new OutboxSnapshot.JournalRun(1, 5, 2), new OutboxSnapshot.JournalRun(3, 7, 2, InOneEvent: true), new OutboxSnapshot.JournalRun(5, 8, 1)],
            runs.Runs);
        Assert.Equal((6L, 8L, 5L), runs.RangeFrom(2, 100, 1000));
    }

    [Fact]
    public void A_batch_event_enters_the_bookkeeping_as_its_posts_at_its_journal_position()
    {
        var state = new OutboxState();
        var posts = new[] { state.Post("m1", [US, DE], new byte[] { 1 }, At), state.Post("m2", [US], new byte[] { 2 }, At), state.Post("m3", [DE], new byte[] { 3 }, At) };
        state.Apply(new OutboxEvents.PostedBatch(posts), 7);

        Assert.Equal(3, state.MessageCount);
        Assert.Equal(2, state.LastSequence(US));
        Assert.Equal(2, state.LastSequence(DE));
        Assert.Equal([new OutboxSnapshot.JournalRun(1, 7, 2, InOneEvent: true)], state.PendingOf(US)!.Runs);
        Assert.Equal((7L, 7L, 2L), state.PendingOf(DE)!.RangeFrom(1, 10, 10));
        Assert.Equal([DeliveryStates.Queued, DeliveryStates.Queued], state.Status(FR, "m1")!.Recipients.Select(r => r.State));

        // Replayed again (a batch whose write was retried), nothing counts twice.
        state.Apply(new OutboxEvents.PostedBatch(posts), 8);
        Assert.Equal(3, state.MessageCount);
        Assert.Single(state.PendingOf(US)!.Runs);

        state.Apply(new OutboxEvents.Delivered(US, 1, At), 9);
        Assert.Equal([new OutboxSnapshot.JournalRun(2, 7, 1, InOneEvent: true)], state.PendingOf(US)!.Runs);
        var restored = OutboxState.FromSnapshot((OutboxSnapshot)WireFormat.Decode(WireFormat.Encode(state.ToSnapshot()), "o.snapshot2"));
        Assert.Equal(state.PendingOf(DE)!.Runs, restored.PendingOf(DE)!.Runs);
        Assert.Equal(DeliveryStates.Delivered, restored.Status(FR, "m1")!.Recipients.Single(r => r.Recipient == US).State);
    }

    [Fact]
    public void A_message_is_queued_then_delivered_then_read_per_recipient()
    {
        var state = new OutboxState();
        var first = state.Post("m1", [US, DE], new byte[] { 1 }, At);
        var second = state.Post("m2", [US], new byte[] { 2 }, At);
        Assert.Equal([1L, 1L], first.Sequences);
        Assert.Equal([2L], second.Sequences); // reserved before the first was persisted
        state.Apply(first, 1);
        state.Apply(second, 2);

        Assert.Equal([DeliveryStates.Queued, DeliveryStates.Queued], state.Status(FR, "m1")!.Recipients.Select(r => r.State));
        state.Apply(new OutboxEvents.Delivered(US, 1, At), 3);
        state.Apply(new OutboxEvents.ReadBy(US, ["m1"], At), 4);
        var m1 = state.Status(FR, "m1")!;
        Assert.Equal([US, DE], m1.To);
        Assert.Equal([DeliveryStates.Read, DeliveryStates.Queued], m1.Recipients.Select(r => r.State));
        Assert.Equal(DeliveryStates.Queued, state.Status(FR, "m2")!.Recipients.Single().State);
        Assert.Equal(2, state.PendingCount); // m2 to US, m1 to DE
        Assert.Null(state.Status(FR, "m3"));
    }

    [Fact]
    public void A_snapshot_through_the_wire_format_restores_the_same_bookkeeping()
    {
        var state = new OutboxState();
        for (var i = 1; i <= 50; i++)
            state.Apply(state.Post($"m{i}", i % 2 == 0 ? [US, DE] : [US], new byte[] { (byte)i }, At.AddSeconds(i)), i);
        state.Apply(new OutboxEvents.Delivered(US, 30, At), 51);
        state.Apply(new OutboxEvents.ReadBy(US, ["m3", "m4"], At), 52);

        var snapshot = state.ToSnapshot();
        var restored = OutboxState.FromSnapshot((OutboxSnapshot)WireFormat.Decode(WireFormat.Encode(snapshot), WireFormat.ManifestOf(snapshot)));

        Assert.Equal(state.MessageCount, restored.MessageCount);
        Assert.Equal(state.PendingCount, restored.PendingCount);
        foreach (var id in new[] { "m1", "m4", "m30", "m31", "m50" })
            Assert.Equal(Describe(state.Status(FR, id)!), Describe(restored.Status(FR, id)!));
        Assert.Equal(state.PendingOf(US)!.Runs, restored.PendingOf(US)!.Runs);
        // Sequencing goes on where it left off.
        Assert.Equal([51L], restored.Post("m51", [US], new byte[] { 51 }, At).Sequences);
    }

    [Fact]
    public void What_waits_for_a_recipient_since_when_and_its_last_delivery_outlast_a_snapshot_and_an_older_one_reads_without_the_time()
    {
        // The outbox reports a silent recipient with these; after a restart they come from the journal, not from the run.
        var state = new OutboxState();
        Assert.Null(state.OldestWaitingSince(US));
        for (var i = 1; i <= 12; i++)
            state.Apply(state.Post($"m{i}", i % 3 == 0 ? [DE, US] : [DE], new byte[] { (byte)i }, At.AddMinutes(i)), i);
        Assert.Equal(At.AddMinutes(3), state.OldestWaitingSince(US)); // m3, the first to US
        Assert.Equal(At.AddMinutes(1), state.OldestWaitingSince(DE));
        Assert.Null(state.LastDeliveredAt(US));

        state.Apply(new OutboxEvents.Delivered(US, 2, At.AddHours(1)), 13); // m3 and m6
        state.Apply(new OutboxEvents.Delivered(US, 1, At.AddHours(2)), 14); // an older acknowledgement persisted late changes nothing
        state.Apply(new OutboxEvents.Delivered(DE, 12, At.AddHours(3)), 15); // everything to DE
        Assert.Equal(At.AddMinutes(9), state.OldestWaitingSince(US));
        Assert.Null(state.OldestWaitingSince(DE));
        Assert.Equal(At.AddHours(2), state.LastDeliveredAt(US));

        var snapshot = state.ToSnapshot();
        var restored = OutboxState.FromSnapshot((OutboxSnapshot)WireFormat.Decode(WireFormat.Encode(snapshot), WireFormat.ManifestOf(snapshot)));
        Assert.Equal(At.AddHours(2), restored.LastDeliveredAt(US));
        Assert.Equal(At.AddHours(3), restored.LastDeliveredAt(DE));
        Assert.Equal(At.AddMinutes(9), restored.OldestWaitingSince(US));
        Assert.Null(restored.LastDeliveredAt(FR));

        // A snapshot written before the time was kept: the same bookkeeping, the time unknown until the next delivery.
        var older = OutboxState.FromSnapshot(snapshot with { Recipients = snapshot.Recipients.Select(b => b with { LastDeliveredAt = null }).ToArray() });
        Assert.Null(older.LastDeliveredAt(US));
        Assert.Equal(At.AddMinutes(9), older.OldestWaitingSince(US));
        older.Apply(new OutboxEvents.Delivered(US, 3, At.AddHours(4)), 16);
        Assert.Equal(At.AddHours(4), older.LastDeliveredAt(US));
        Assert.Equal(At.AddMinutes(12), older.OldestWaitingSince(US));
    }

    [Fact]
    public void A_snapshot_holds_the_bookkeeping_as_it_was_taken_while_the_outbox_goes_on_before_it_is_encoded()
    {
        // The snapshot store encodes a snapshot after the outbox has moved on: its columns are read from rows copied when it was taken.
        var state = new OutboxState();
        var ids = Enumerable.Range(0, 40).Select(i => i == 20 ? "not-a-guid" : MessageIds.New()).ToArray();
        for (var i = 0; i < 30; i++)
            state.Apply(state.Post(ids[i], i % 3 == 0 ? [US, DE] : [US], new byte[] { 1 }, At.AddSeconds(i)), i + 1);
        state.Apply(new OutboxEvents.Delivered(US, 10, At), 31);
        state.Apply(new OutboxEvents.ReadBy(US, [ids[1]], At), 32);

        var snapshot = state.ToSnapshot();
        for (var i = 30; i < 40; i++)
            state.Apply(state.Post(ids[i], [US, DE], new byte[] { 1 }, At.AddSeconds(i)), i + 3);
        state.Apply(new OutboxEvents.Delivered(US, 30, At), 43);
        state.Apply(new OutboxEvents.ReadBy(US, [ids[2], ids[20]], At), 44);
        var restored = OutboxState.FromSnapshot((OutboxSnapshot)WireFormat.Decode(WireFormat.Encode(snapshot), WireFormat.ManifestOf(snapshot)));

        Assert.Equal(ids[..30], snapshot.Ids);
        Assert.Equal(At.AddSeconds(29), snapshot.PostedAt[29]);
        Assert.Equal(30, restored.MessageCount);
        Assert.Null(restored.Status(FR, ids[30]));
        Assert.Equal([DeliveryStates.Read], restored.Status(FR, ids[1])!.Recipients.Select(r => r.State));
        Assert.Equal([DeliveryStates.Delivered], restored.Status(FR, ids[2])!.Recipients.Select(r => r.State));
        Assert.Equal([DeliveryStates.Queued], restored.Status(FR, ids[20])!.Recipients.Select(r => r.State));
        Assert.Equal(10, restored.DeliveredUpTo(US));
        Assert.Equal([31L], restored.Post("next", [US], new byte[] { 1 }, At).Sequences);
        // A snapshot an older node wrote (o.snapshot) reads back its ids as text: the same bookkeeping.
        var older = OutboxState.FromSnapshot(snapshot with { Ids = snapshot.Ids.ToArray() });
        Assert.Equal(Describe(restored.Status(FR, ids[0])!), Describe(older.Status(FR, ids[0])!));
        Assert.Equal([DeliveryStates.Queued], older.Status(FR, ids[20])!.Recipients.Select(r => r.State));
        // And the outbox that went on has all of it.
        Assert.Equal([DeliveryStates.Read], state.Status(FR, ids[20])!.Recipients.Select(r => r.State));
        Assert.Equal(40, state.MessageCount);
    }

    [Fact]
    public void A_window_holds_envelopes_only_in_order_and_up_to_its_capacity()
    {
        var window = new EnvelopeWindow(3);
        Assert.False(window.TryAppend(new Parcel(2, "b", new byte[10]))); // a gap: stays in the journal
        for (var s = 1; s <= 4; s++)
            window.TryAppend(new Parcel(s, $"m{s}", new byte[10]));
        Assert.Equal(3, window.Count);
        Assert.Equal(3, window.LoadedUpTo);
        Assert.Equal(30, window.Bytes);

        window.Acknowledge(2);
        Assert.Equal(["m3"], window.After(0, 10).Select(p => p.Id));
        Assert.True(window.TryAppend(new Parcel(4, "m4", new byte[10])));
        window.Shrink(0);
        Assert.Equal(0, window.Count);
        Assert.Equal(2, window.LoadedUpTo); // read back from 3 on
        Assert.Equal(0, window.Bytes);
    }

    [Fact]
    public void A_window_holds_up_to_its_bytes_and_one_larger_envelope_alone()
    {
        var window = new EnvelopeWindow(100, maxBytes: 25);
        Assert.True(window.TryAppend(new Parcel(1, "m1", new byte[10])));
        Assert.True(window.TryAppend(new Parcel(2, "m2", new byte[10])));
        Assert.Equal(98, window.Room);
        Assert.False(window.TryAppend(new Parcel(3, "m3", new byte[10]))); // 30 bytes: stays in the journal
        Assert.Equal(2, window.LoadedUpTo);
        Assert.True(window.TryAppend(new Parcel(3, "m3", new byte[5])));
        Assert.Equal(0, window.Room); // the bytes are reached: nothing to read back until an acknowledgement

        window.Acknowledge(3);
        Assert.Equal(100, window.Room);
        Assert.True(window.TryAppend(new Parcel(4, "m4", new byte[40]))); // alone, though larger than the bound
        Assert.Equal(0, window.Room);
        Assert.False(window.TryAppend(new Parcel(5, "m5", new byte[1])));
        window.Acknowledge(4);
        Assert.True(window.TryAppend(new Parcel(5, "m5", new byte[1])));
        Assert.Equal(1, window.Bytes);
    }

    [Fact]
    public void Message_ids_come_back_exactly_as_given_whether_kept_as_guids_or_as_text()
    {
        var numbers = new MessageNumbers();
        const string api = "0193a1b2c3d47e5f8a9bcadbecfd0e1f"; // with letters, so its upper case is another id
        string[] ids = [api, api.ToUpperInvariant(), "m1", Guid.NewGuid().ToString()];
        for (var i = 0; i < ids.Length; i++)
            numbers.Add(ids[i], i);

        Assert.Equal(ids.Length, numbers.Count);
        for (var i = 0; i < ids.Length; i++)
            Assert.True(numbers.TryGet(ids[i], out var n) && n == i, ids[i]);
        Assert.False(numbers.Contains("m2"));
        Assert.Equal(ids, numbers.CopyByNumber(ids.Length));
        Assert.Equal(ids[..2], numbers.CopyByNumber(2)); // numbers given after a copy's count are not in it
    }

    private static string Describe(OutboxQueries.MessageStatus s) =>
        $"{s.Id} {s.PostedAt:O} {string.Join(",", s.Recipients.Select(r => $"{r.Recipient}={r.State}"))}";
}
