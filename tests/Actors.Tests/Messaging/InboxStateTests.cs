using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Serialization;
using Xunit;

namespace ActorNet.Actors.Tests.Messaging;

public class InboxStateTests
{
    private static readonly BureauCode FR = new("FR"), US = new("US");
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private sealed class Gate(Func<Parcel, GateVerdict> check) : IEnvelopeGate
    {
        public GateVerdict Check(BureauCode from, Parcel parcel) => check(parcel);
    }

    private static readonly IEnvelopeGate Open = new Gate(_ => GateVerdict.Pass);

    private static Parcel P(long seq, string? id = null) => new(seq, id ?? $"m{seq}", new byte[] { 1 });

    private static void Deliver(InboxState inbox, IEnvelopeGate gate, params Parcel[] parcels)
    {
        foreach (var e in inbox.Take(new DeliveryProtocol.Deliver(FR, US, parcels), gate, Now).Accepted)
            inbox.Apply(e);
    }

    [Fact]
    public void Parcels_are_taken_once_in_order_and_a_gap_waits()
    {
        var inbox = new InboxState();
        Deliver(inbox, Open, P(1), P(2), P(4));
        Assert.Equal(2, inbox.LastSequence(FR));

        Deliver(inbox, Open, P(2), P(3), P(4));
        Assert.Equal(4, inbox.LastSequence(FR));
        Assert.Equal(["m1", "m2", "m3", "m4"], inbox.After(null, 10).Items.Select(i => i.Id));
    }

    [Fact]
    public void A_refused_envelope_never_enters_and_stops_the_batch()
    {
        var inbox = new InboxState();
        var gate = new Gate(p => p.Id == "forged" ? GateVerdict.Refuse("bad signature") : GateVerdict.Pass);
        var (accepted, refused) = inbox.Take(new DeliveryProtocol.Deliver(FR, US, [P(1), P(2, "forged"), P(3)]), gate, Now);

        Assert.Equal(["m1"], accepted.Select(a => a.Id));
        Assert.Equal("bad signature", Assert.Single(refused).Reason);
    }

    [Fact]
    public void A_replayed_id_under_a_new_sequence_is_refused()
    {
        var inbox = new InboxState();
        Deliver(inbox, Open, P(1, "x"));
        var (accepted, refused) = inbox.Take(new DeliveryProtocol.Deliver(FR, US, [P(2, "x")]), Open, Now);
        Assert.Empty(accepted);
        Assert.Contains("replayed", Assert.Single(refused).Reason);
    }

    [Fact]
    public void Paging_after_an_id_and_an_unknown_id()
    {
        var inbox = new InboxState();
        Deliver(inbox, Open, P(1), P(2), P(3));
        Assert.Equal(["m3"], inbox.After("m2", 10).Items.Select(i => i.Id));
        Assert.True(inbox.After("nope", 10).UnknownAfterId);
    }

    [Fact]
    public void A_delivery_during_a_write_carries_on_after_what_is_being_written()
    {
        var inbox = new InboxState();
        var first = inbox.Take(new DeliveryProtocol.Deliver(FR, US, [P(1), P(2)]), Open, Now).Accepted;
        Assert.True(inbox.Writing);

        // Before the first write lands: a resend of the same parcels adds nothing, the next ones carry on after them,
        // and an id being written under a new sequence is a replay.
        Assert.Empty(inbox.Take(new DeliveryProtocol.Deliver(FR, US, [P(1), P(2)]), Open, Now).Accepted);
        var second = inbox.Take(new DeliveryProtocol.Deliver(FR, US, [P(2), P(3)]), Open, Now).Accepted;
        Assert.Equal(["m3"], second.Select(a => a.Id));
        var (replayed, refused) = inbox.Take(new DeliveryProtocol.Deliver(FR, US, [P(4, "m1")]), Open, Now);
        Assert.Empty(replayed);
        Assert.Contains("replayed", Assert.Single(refused).Reason);

        Assert.Equal(0, inbox.LastSequence(FR)); // nothing is acknowledged before it is written
        foreach (var arrival in first.Concat(second))
            inbox.Apply(arrival);
        Assert.False(inbox.Writing);
        Assert.Equal(3, inbox.LastSequence(FR));
        Assert.Equal(["m1", "m2", "m3"], inbox.After(null, 10).Items.Select(i => i.Id));
    }

    [Fact]
    public void Only_the_most_recent_arrivals_keep_their_bytes_the_rest_keep_their_place()
    {
        var inbox = new InboxState(recentBytes: 10);
        for (var seq = 1; seq <= 10; seq++)
            foreach (var e in inbox.Take(new DeliveryProtocol.Deliver(FR, US, [new Parcel(seq, $"m{seq}", new byte[4])]), Open, Now).Accepted)
                inbox.Apply(e, journalSequence: 100 + seq);

        Assert.Equal(8, inbox.HeldBytes); // the last two
        var page = inbox.After(null, 100).Items;
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"m{i}"), page.Select(i => i.Id));
        Assert.All(page.Take(8), i => Assert.True(inbox.JournalSequenceToRead(i) > 0));
        Assert.All(page.Skip(8), i => Assert.Equal(4, i.Sealed.Length));
        Assert.Equal(103, inbox.JournalSequenceToRead(page[2]));
        Assert.Equal(10, inbox.LastSequence(FR));
        Assert.NotNull(inbox.Find("m1"));

        // Without a journal position the bytes stay: there is nowhere to read them back from.
        var unjournalled = new InboxState(recentBytes: 1);
        Deliver(unjournalled, Open, P(1), P(2), P(3));
        Assert.All(unjournalled.After(null, 10).Items, i => Assert.False(i.Sealed.IsEmpty));
    }

    [Fact]
    public void A_read_arrival_gives_its_bytes_back_and_is_then_read_from_the_journal()
    {
        var inbox = new InboxState(recentBytes: 100);
        inbox.Apply(new InboxEvents.ReceivedBatch(FR, [new Parcel(1, "m1", new byte[4]), new Parcel(2, "m2", new byte[5])], Now), journalSequence: 7);
        inbox.Apply(new InboxEvents.Received(FR, 3, "m3", new byte[6], Now)); // no journal position: nowhere to read it back from
        Assert.Equal(15, inbox.HeldBytes);

        inbox.Apply(new InboxEvents.Read(["m1", "m3", "unknown"], Now), journalSequence: 8);

        Assert.Equal(11, inbox.HeldBytes);
        Assert.True(inbox.Find("m1")!.Sealed.IsEmpty);
        Assert.Equal(7, inbox.JournalSequenceToRead(inbox.Find("m1")!));
        Assert.Equal(5, inbox.Find("m2")!.Sealed.Length);
        Assert.Equal(6, inbox.Find("m3")!.Sealed.Length);
        Assert.Equal([true, false, true], new[] { "m1", "m2", "m3" }.Select(inbox.WasRead));

        // Reading it again changes nothing, and the budget still counts only what is held.
        inbox.Apply(new InboxEvents.Read(["m1"], Now), journalSequence: 9);
        Assert.Equal(11, inbox.HeldBytes);
    }

    [Fact]
    public void A_snapshot_keeps_every_arrival_in_order_with_its_read_mark_and_journal_place_and_the_inbox_carries_on_after_it()
    {
        var inbox = new InboxState();
        var de = new BureauCode("DE");
        inbox.Apply(new InboxEvents.ReceivedBatch(FR, [P(1), P(2)], Now), journalSequence: 3);
        inbox.Apply(new InboxEvents.ReceivedBatch(de, [new Parcel(1, "d1", new byte[] { 2 })], Now.AddSeconds(1)), journalSequence: 4);
        inbox.Apply(new InboxEvents.Received(FR, 3, "m3", new byte[] { 3 }, Now.AddSeconds(2)), journalSequence: 6);
        inbox.Apply(new InboxEvents.Read(["m2", "d1"], Now), journalSequence: 7);

        var snapshot = inbox.ToSnapshot();
        var restored = InboxState.FromSnapshot(snapshot);

        Assert.Equal(inbox.After(null, 10).Items.Select(i => (i.From, i.Sequence, i.Id, i.At)), restored.After(null, 10).Items.Select(i => (i.From, i.Sequence, i.Id, i.At)));
        Assert.Equal((3, 1), (restored.LastSequence(FR), restored.LastSequence(de)));
        Assert.Equal([false, true, true, false], new[] { "m1", "m2", "d1", "m3" }.Select(restored.WasRead));
        // No sealed bytes in a snapshot: each arrival says which journal event to read them back from.
        Assert.Equal(0, restored.HeldBytes);
        Assert.Equal([3L, 3, 4, 6], new[] { "m1", "m2", "d1", "m3" }.Select(id => restored.JournalSequenceToRead(restored.Find(id)!)));
        Assert.Equal("m3", Assert.Single(restored.After("d1", 10).Items).Id);

        var (accepted, refused) = restored.Take(new DeliveryProtocol.Deliver(FR, US, [P(3), P(4), P(5, "m1")]), Open, Now);
        Assert.Equal(["m4"], accepted.Select(a => a.Id));
        Assert.Contains("replayed", Assert.Single(refused).Reason);
    }

    [Fact]
    public void A_snapshot_holds_the_arrivals_as_they_were_taken_while_the_inbox_goes_on_before_it_is_encoded()
    {
        // The snapshot store encodes a snapshot after the inbox has moved on: its columns are read from rows copied when it was taken.
        var inbox = new InboxState();
        var guid = MessageIds.New();
        inbox.Apply(new InboxEvents.ReceivedBatch(FR, [P(1, guid), P(2, "other-id")], Now), journalSequence: 3);
        var snapshot = inbox.ToSnapshot();
        inbox.Apply(new InboxEvents.Read([guid, "other-id"], Now), journalSequence: 4);
        inbox.Apply(new InboxEvents.Received(FR, 3, "m3", new byte[] { 3 }, Now.AddSeconds(2)), journalSequence: 5);

        var restored = InboxState.FromSnapshot((InboxSnapshot)WireFormat.Decode(WireFormat.Encode(snapshot), WireFormat.ManifestOf(snapshot)));

        Assert.Equal([guid, "other-id"], snapshot.ArrivalIds);
        Assert.Equal([guid, "other-id"], restored.After(null, 10).Items.Select(i => i.Id));
        Assert.Equal([false, false], new[] { guid, "other-id" }.Select(restored.WasRead));
        Assert.Equal(2, restored.LastSequence(FR));
        Assert.Equal([true, true], new[] { guid, "other-id" }.Select(inbox.WasRead));
        Assert.Equal(3, inbox.LastSequence(FR));
    }

    [Fact]
    public void An_arrival_without_a_journal_place_cannot_go_into_a_snapshot()
    {
        var inbox = new InboxState();
        Deliver(inbox, Open, P(1)); // applied without its journal position: its bytes are held only in memory

        Assert.Throws<InvalidOperationException>(() => inbox.ToSnapshot());
    }

    [Fact]
    public void Ids_kept_as_guids_come_back_exactly_as_they_arrived_and_are_still_recognised()
    {
        var guid = Guid.CreateVersion7().ToString("N");
        var upper = "0193A1B2C3D47E5F8A9BCADBECFD0E1F"; // not as ToString("N") writes it: kept as given (letters in it, so it differs)
        var braces = Guid.CreateVersion7().ToString("B");
        var inbox = new InboxState();
        Deliver(inbox, Open, P(1, guid), P(2, upper), P(3, braces), P(4));
        inbox.Apply(new InboxEvents.Read([guid, braces], Now));

        Assert.Equal([guid, upper, braces, "m4"], inbox.After(null, 10).Items.Select(i => i.Id));
        Assert.Equal([upper, braces, "m4"], inbox.After(guid, 10).Items.Select(i => i.Id));
        Assert.Equal([guid, braces], inbox.After(null, 2, id => id != upper).Items.Select(i => i.Id)); // listed by id, up to the limit
        Assert.Equal(upper, inbox.Find(upper)!.Id);
        Assert.Null(inbox.Find(upper.ToLowerInvariant()));
        Assert.Equal(FR, inbox.SenderOf(guid));
        Assert.Null(inbox.SenderOf(upper.ToLowerInvariant()));
        Assert.True(inbox.WasRead(guid));
        Assert.False(inbox.WasRead(upper));
        Assert.Contains("replayed", Assert.Single(inbox.Take(new DeliveryProtocol.Deliver(FR, US, [P(5, guid)]), Open, Now).Refused).Reason);

        var restored = InboxState.FromSnapshot(WithPositions(inbox).ToSnapshot());
        Assert.Equal([guid, upper, braces, "m4"], restored.After(null, 10).Items.Select(i => i.Id));
        Assert.Equal([true, false, true, false], restored.After(null, 10).Items.Select(i => restored.WasRead(i.Id)));
    }

    /// <summary>The same arrivals, each applied at a journal position, as a snapshot needs them.</summary>
    private static InboxState WithPositions(InboxState inbox)
    {
        var positioned = new InboxState();
        var items = inbox.After(null, 100).Items;
        for (var i = 0; i < items.Count; i++)
            positioned.Apply(items[i], journalSequence: i + 1);
        positioned.Apply(new InboxEvents.Read(items.Where(a => inbox.WasRead(a.Id)).Select(a => a.Id).ToArray(), Now));
        return positioned;
    }
}
