using System.Text.Json;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Serialization;
using Proto = ActorNet.Protocol.Serialization.Proto;
using Xunit;

namespace ActorNet.Protocol.Tests;

public class WireFormatTests
{
    private static readonly string GoldenFile = Path.Combine(RepoRoot(), "tests", "Protocol.Tests", "Golden", "wire-v1.json");

    public static TheoryData<string> SampleManifests() => new(Samples.All.Select(WireFormat.ManifestOf));

    [Fact]
    public void Every_message_type_has_a_wire_format_and_a_sample()
    {
        var types = typeof(IActorNetMessage).Assembly.GetTypes()
            .Where(t => typeof(IActorNetMessage).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false });
        foreach (var type in types)
        {
            Assert.True(WireFormat.Handles(type), $"{type.FullName} implements IActorNetMessage but has no codec in WireFormat");
            Assert.Contains(Samples.All, s => s.GetType() == type);
        }
    }

    [Fact]
    public void An_acknowledgement_says_whether_its_inbox_takes_cut_envelopes_and_an_older_one_reads_as_not()
    {
        var accepted = new Messaging.DeliveryProtocol.Accepted(new BureauCode("US"), new BureauCode("FR"), 7, TakesCut: true);
        var older = new Messaging.DeliveryProtocol.Accepted(new BureauCode("US"), new BureauCode("FR"), 7);

        Assert.Equal(accepted, WireFormat.Decode(WireFormat.Encode(accepted), WireFormat.ManifestOf(accepted)));
        Assert.False(((Messaging.DeliveryProtocol.Accepted)WireFormat.Decode(WireFormat.Encode(older), "m.accepted")).TakesCut);
        Assert.True(WireFormat.Encode(accepted).Length > WireFormat.Encode(older).Length); // the flag is on the wire, older bytes unchanged
    }

    [Fact]
    public void Encoding_into_a_given_span_writes_the_bytes_Encode_makes_under_the_same_manifest()
    {
        foreach (var sample in Samples.All)
        {
            var (manifest, proto, size) = WireFormat.Prepare(sample);
            var into = new byte[size];
            WireFormat.EncodeInto(proto, into);
            Assert.Equal(WireFormat.ManifestOf(sample), manifest);
            Assert.Equal(Convert.ToHexString(WireFormat.Encode(sample)), Convert.ToHexString(into));
        }
    }

    [Fact]
    public void An_acknowledgement_names_the_bulk_channel_of_its_node_and_an_older_one_reads_as_none()
    {
        var accepted = new Messaging.DeliveryProtocol.Accepted(new BureauCode("US"), new BureauCode("FR"), 7, TakesCut: true, Bulk: "10.0.0.7:4100");
        var older = new Messaging.DeliveryProtocol.Accepted(new BureauCode("US"), new BureauCode("FR"), 7, TakesCut: true);

        Assert.Equal(accepted, WireFormat.Decode(WireFormat.Encode(accepted), "m.accepted"));
        Assert.Null(((Messaging.DeliveryProtocol.Accepted)WireFormat.Decode(WireFormat.Encode(older), "m.accepted")).Bulk);
        // The field is new on the wire; what an older node writes is byte for byte what it wrote before.
        Assert.True(WireFormat.Encode(accepted).Length > WireFormat.Encode(older).Length);
    }

    [Fact]
    public void An_acknowledgement_says_whether_its_inbox_opens_keys_wrapped_once_a_batch_and_an_older_one_reads_as_not()
    {
        var accepted = new Messaging.DeliveryProtocol.Accepted(new BureauCode("US"), new BureauCode("FR"), 7, TakesCut: true, Bulk: "10.0.0.7:4100", BatchWraps: true);
        var older = accepted with { BatchWraps = false };

        Assert.Equal(accepted, WireFormat.Decode(WireFormat.Encode(accepted), "m.accepted"));
        Assert.False(((Messaging.DeliveryProtocol.Accepted)WireFormat.Decode(WireFormat.Encode(older), "m.accepted")).BatchWraps);
        Assert.Equal(WireFormat.Encode(older).Length + 2, WireFormat.Encode(accepted).Length);
    }

    /// <summary>
    /// The fields of forwarding while committing, byte for byte: appended after the older ones under new numbers, so that an
    /// older node reads the rest as before and what an older node writes reads as 0 (all committed, nothing held back).
    /// </summary>
    [Fact]
    public void Forwarding_while_committing_adds_fields_after_the_older_ones_and_an_older_message_reads_as_zero()
    {
        var FR = new BureauCode("FR");
        var US = new BureauCode("US");
        var parcel = new Messaging.Parcel(3, "m", new byte[] { 9 });
        var deliver = new Messaging.DeliveryProtocol.Deliver(FR, US, [parcel], Incarnation: 300, ResumedAfter: 2, CommittedUpTo: 1);
        var accepted = new Messaging.DeliveryProtocol.Accepted(US, FR, 3, HoldsBack: true, Incarnation: 300, ConfirmedUpTo: 2);
        var batch = new Messaging.InboxEvents.ReceivedBatch(FR, [parcel], DateTimeOffset.FromUnixTimeMilliseconds(5), Incarnation: 300, ConfirmedUpTo: 1);

        // Deliver: 20 AC 02 = field 4 (300), 28 02 = field 5 (2), 30 01 = field 6 (1); Accepted: 38 01 = field 7 (true), 40 AC 02, 48 02.
        Assert.Equal("0A024652" + "12025553" + "1A08080312016D1A0109" + "20AC02" + "2802" + "3001", Convert.ToHexString(WireFormat.Encode(deliver)));
        Assert.Equal("0A025553" + "12024652" + "1803" + "3801" + "40AC02" + "4802", Convert.ToHexString(WireFormat.Encode(accepted)));
        Assert.Equal("0A024652" + "1208080312016D1A0109" + "1805" + "20AC02" + "2801", Convert.ToHexString(WireFormat.Encode(batch)));

        var olderDeliver = (Messaging.DeliveryProtocol.Deliver)WireFormat.Decode(WireFormat.Encode(deliver with { Incarnation = 0, ResumedAfter = 0, CommittedUpTo = 0 }), "m.deliver");
        Assert.Equal((0L, 0L, 0L), (olderDeliver.Incarnation, olderDeliver.ResumedAfter, olderDeliver.CommittedUpTo));
        var decoded = (Messaging.DeliveryProtocol.Deliver)WireFormat.Decode(WireFormat.Encode(deliver), "m.deliver");
        Assert.Equal((300L, 2L, 1L), (decoded.Incarnation, decoded.ResumedAfter, decoded.CommittedUpTo));
        Assert.Equal(accepted, WireFormat.Decode(WireFormat.Encode(accepted), "m.accepted"));
        var decodedBatch = (Messaging.InboxEvents.ReceivedBatch)WireFormat.Decode(WireFormat.Encode(batch), "i.received-batch");
        Assert.Equal((300L, 1L), (decodedBatch.Incarnation, decodedBatch.ConfirmedUpTo));
    }

    [Fact]
    public void Manifests_are_unique()
    {
        var manifests = WireFormat.Manifests.Values.ToList();
        Assert.Equal(manifests.Count, manifests.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(SampleManifests))]
    public void Message_survives_a_round_trip(string manifest)
    {
        var sample = Samples.All.Single(s => WireFormat.ManifestOf(s) == manifest);
        var bytes = WireFormat.Encode(sample);
        var decoded = WireFormat.Decode(bytes, manifest);

        Assert.Equal(sample.GetType(), decoded.GetType());
        Assert.Equal(bytes, WireFormat.Encode(decoded));
        // Records holding lists or memory compare by reference; the re-encoding above covers those.
        if (sample.GetType().GetProperties().All(p => p.PropertyType == typeof(string) || p.PropertyType.IsValueType && !p.PropertyType.Name.Contains("Memory") || p.PropertyType == typeof(BureauCode)))
            Assert.Equal(sample, decoded);
    }

    /// <summary>
    /// Journals and older nodes hold these bytes: a change that alters them breaks both, so it fails here.
    /// A new message type adds its bytes with ACTORNET_WRITE_GOLDEN=1; existing entries are never rewritten.
    /// </summary>
    [Fact]
    public void Encoding_matches_the_golden_bytes_kept_for_older_nodes_and_journals()
    {
        var golden = File.Exists(GoldenFile)
            ? JsonSerializer.Deserialize<SortedDictionary<string, string>>(File.ReadAllText(GoldenFile))!
            : new SortedDictionary<string, string>();

        var missing = Samples.All.Where(s => !golden.ContainsKey(WireFormat.ManifestOf(s))).ToList();
        if (missing.Count > 0 && Environment.GetEnvironmentVariable("ACTORNET_WRITE_GOLDEN") == "1")
        {
            foreach (var sample in missing)
                golden[WireFormat.ManifestOf(sample)] = Convert.ToBase64String(WireFormat.Encode(sample));
            File.WriteAllText(GoldenFile, JsonSerializer.Serialize(golden, new JsonSerializerOptions { WriteIndented = true }) + "\n");
            missing.Clear();
        }
        Assert.True(missing.Count == 0,
            $"no golden bytes for {string.Join(", ", missing.Select(WireFormat.ManifestOf))}: run the tests once with ACTORNET_WRITE_GOLDEN=1 and commit {GoldenFile}");

        foreach (var (manifest, base64) in golden)
        {
            var bytes = Convert.FromBase64String(base64);
            var decoded = WireFormat.Decode(bytes, manifest);
            Assert.True(bytes.AsSpan().SequenceEqual(WireFormat.Encode(decoded)), $"golden '{manifest}' no longer decodes to the same message");
            var sample = Samples.All.Single(s => WireFormat.ManifestOf(s) == manifest);
            Assert.True(bytes.AsSpan().SequenceEqual(WireFormat.Encode(sample)), $"'{manifest}' now encodes differently from its golden bytes: add fields, never renumber");
        }
    }

    [Fact]
    public void Unknown_manifest_is_refused_with_a_clear_error()
    {
        var e = Assert.Throws<WireFormatException>(() => WireFormat.Decode(new byte[] { 1, 2 }, "zz.nope"));
        Assert.Contains("zz.nope", e.Message);
    }

    [Fact]
    public void Garbage_bytes_are_refused_with_a_clear_error()
    {
        var garbage = new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x42 };
        var e = Assert.Throws<WireFormatException>(() => WireFormat.Decode(garbage, "d.view"));
        Assert.Contains("d.view", e.Message);
    }

    [Fact]
    public void Invalid_bureau_code_on_the_wire_is_refused()
    {
        var bytes = WireFormat.Encode(new Bureaus.BureauQueries.GetProfile(new BureauCode("FR")));
        bytes[^1] = (byte)'Q'; // "FQ" is no bureau
        Assert.Throws<WireFormatException>(() => WireFormat.Decode(bytes, "b.get"));
    }

    [Fact]
    public void A_posted_envelope_whose_sequences_do_not_match_its_recipients_is_refused_with_a_clear_error()
    {
        var posted = new Messaging.OutboxEvents.Posted("msg-0001", [new BureauCode("US"), new BureauCode("DE")], [1], new byte[] { 1 }, DateTimeOffset.UnixEpoch);
        var e = Assert.Throws<WireFormatException>(() => WireFormat.Decode(WireFormat.Encode(posted), "o.posted"));
        Assert.Contains("2 recipients with 1 sequence numbers", e.ToString());
        var batch = new Messaging.OutboxEvents.PostedBatch([posted]);
        Assert.Throws<WireFormatException>(() => WireFormat.Decode(WireFormat.Encode(batch), "o.posted-batch"));
    }

    [Fact]
    public void A_journal_run_in_one_event_survives_a_snapshot_and_an_older_run_reads_as_one_envelope_an_event()
    {
        var book = new Messaging.OutboxSnapshot.RecipientBook(new BureauCode("US"), 9, 1,
            [new Messaging.OutboxSnapshot.JournalRun(2, 5, 3), new Messaging.OutboxSnapshot.JournalRun(5, 8, 5, InOneEvent: true)]);
        var snapshot = new Messaging.OutboxSnapshot([book], [], [], [], [], [], []);
        var decoded = (Messaging.OutboxSnapshot)WireFormat.Decode(WireFormat.Encode(snapshot), "o.snapshot");
        Assert.Equal(book.Pending, decoded.Recipients.Single().Pending);
        // The golden snapshot (written before runs in one event) has a run without the flag: one envelope an event.
        var older = (Messaging.OutboxSnapshot)WireFormat.Decode(WireFormat.Encode(Samples.All.OfType<Messaging.OutboxSnapshot>().First(x => x.Ids is not Messaging.MessageIdColumn)), "o.snapshot");
        Assert.False(older.Recipients[0].Pending.Single().InOneEvent);
    }

    [Fact]
    public void A_recipient_s_last_delivery_survives_a_snapshot_in_both_forms_and_the_golden_ones_read_without_it()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_796_000_123_456);
        var book = new Messaging.OutboxSnapshot.RecipientBook(new BureauCode("US"), 4, 2, [new Messaging.OutboxSnapshot.JournalRun(3, 3, 2)], at);
        foreach (var snapshot in new[]
                 {
                     new Messaging.OutboxSnapshot([book], ["m1"], [at], [1], [0], [1], [false]),
                     new Messaging.OutboxSnapshot([book], Messaging.MessageIdColumn.Of([Messaging.MessageIds.New()]), [at], [1], [0], [1], [false]),
                 })
        {
            var decoded = (Messaging.OutboxSnapshot)WireFormat.Decode(WireFormat.Encode(snapshot), WireFormat.ManifestOf(snapshot));
            Assert.Equal(at, decoded.Recipients.Single().LastDeliveredAt);
        }
        foreach (var golden in Samples.All.OfType<Messaging.OutboxSnapshot>())
        {
            var decoded = (Messaging.OutboxSnapshot)WireFormat.Decode(WireFormat.Encode(golden), WireFormat.ManifestOf(golden));
            Assert.All(decoded.Recipients, b => Assert.Null(b.LastDeliveredAt));
        }

        // A time no clock can show is refused with the manifest named, not taken as a date.
        var corrupt = new ActorNet.Protocol.Serialization.Proto.OutboxSnapshot();
        corrupt.Recipients.Add(new ActorNet.Protocol.Serialization.Proto.OutboxRecipientBook { Recipient = "US", LastSequence = 0, LastDeliveredAt = long.MaxValue });
        var e = Assert.Throws<WireFormatException>(() => WireFormat.Decode(Google.Protobuf.MessageExtensions.ToByteArray(corrupt), "o.snapshot"));
        Assert.Contains("'o.snapshot' message", e.Message);
    }

    [Fact]
    public void A_snapshot_s_ids_go_as_guid_bytes_and_come_back_as_given_and_older_snapshots_still_read()
    {
        string[] ids = [Messaging.MessageIds.New(), "msg-0002", Messaging.MessageIds.New().ToUpperInvariant(), Messaging.MessageIds.New()];
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_796_000_000_000);
        var books = new[] { new Messaging.OutboxSnapshot.RecipientBook(new BureauCode("US"), 4, 0, [new Messaging.OutboxSnapshot.JournalRun(1, 1, 4)]) };
        Messaging.OutboxSnapshot With(IReadOnlyList<string> column) => new(books, column, [at, at, at, at], [1, 1, 1, 1], [0, 0, 0, 0], [1, 2, 3, 4], [false, true, false, false]);
        var asText = With(ids);
        var asColumn = With(Messaging.MessageIdColumn.Of(ids));

        Assert.Equal("o.snapshot", WireFormat.ManifestOf(asText));
        Assert.Equal("o.snapshot2", WireFormat.ManifestOf(asColumn));
        var fromColumn = (Messaging.OutboxSnapshot)WireFormat.Decode(WireFormat.Encode(asColumn), "o.snapshot2");
        var fromText = (Messaging.OutboxSnapshot)WireFormat.Decode(WireFormat.Encode(asText), "o.snapshot");
        Assert.Equal(ids, fromColumn.Ids);
        Assert.Equal(ids, fromText.Ids);
        Assert.Equal(fromText.SlotRead, fromColumn.SlotRead);
        // A hundred of the API's ids as 16 bytes each instead of 34 (32 characters and their field's tag and length).
        var hundred = Enumerable.Range(0, 100).Select(_ => Messaging.MessageIds.New()).ToArray();
        Messaging.InboxSnapshot Inbox(IReadOnlyList<string> column) => new([new BureauCode("FR")], new int[100], new long[100], column, new DateTimeOffset[100], new long[100], new bool[100]);
        Assert.Equal(100 * 18, WireFormat.Encode(Inbox(hundred)).Length - WireFormat.Encode(Inbox(Messaging.MessageIdColumn.Of(hundred))).Length + 3);

        var inbox = new Messaging.InboxSnapshot([new BureauCode("FR")], [0, 0, 0, 0], [1, 2, 3, 4], Messaging.MessageIdColumn.Of(ids), [at, at, at, at], [5, 6, 7, 8], [true, false, false, true]);
        Assert.Equal("i.snapshot2", WireFormat.ManifestOf(inbox));
        Assert.Equal(ids, ((Messaging.InboxSnapshot)WireFormat.Decode(WireFormat.Encode(inbox), "i.snapshot2")).ArrivalIds);
    }

    [Fact]
    public void A_corrupt_snapshot_with_ids_as_bytes_is_refused_with_a_clear_error()
    {
        var good = new Proto.OutboxSnapshotColumns { IdGuids = Google.Protobuf.ByteString.CopyFrom(new byte[32]) };
        good.PostedAt.AddRange([1, 2]);
        good.RecipientCounts.AddRange([0, 0]);
        Assert.Equal(2, ((Messaging.OutboxSnapshot)WireFormat.Decode(Google.Protobuf.MessageExtensions.ToByteArray(good), "o.snapshot2")).Ids.Count);

        var torn = good.Clone();
        torn.IdGuids = Google.Protobuf.ByteString.CopyFrom(new byte[30]);
        Assert.Contains("not 16 an id", Assert.Throws<WireFormatException>(() => WireFormat.Decode(Google.Protobuf.MessageExtensions.ToByteArray(torn), "o.snapshot2")).Message);
        var outside = good.Clone();
        outside.OtherIdNumbers.Add(5);
        outside.OtherIds.Add("msg-9");
        Assert.Contains("outside 0..1", Assert.Throws<WireFormatException>(() => WireFormat.Decode(Google.Protobuf.MessageExtensions.ToByteArray(outside), "o.snapshot2")).Message);
        var unmatched = good.Clone();
        unmatched.OtherIdNumbers.Add(1);
        Assert.Contains("1 numbers for its 0 ids", Assert.Throws<WireFormatException>(() => WireFormat.Decode(Google.Protobuf.MessageExtensions.ToByteArray(unmatched), "o.snapshot2")).Message);
        var inbox = new Proto.InboxSnapshotColumns { ArrivalIdGuids = Google.Protobuf.ByteString.CopyFrom(new byte[16]) };
        Assert.Contains("1 ids but 0 senders", Assert.Throws<WireFormatException>(() => WireFormat.Decode(Google.Protobuf.MessageExtensions.ToByteArray(inbox), "i.snapshot2")).Message);
    }

    [Fact]
    public void Unknown_type_cannot_be_encoded()
    {
        Assert.Throws<WireFormatException>(() => WireFormat.Encode("not a message"));
    }

    [Fact]
    public void A_search_page_carries_each_notice_s_summary_and_older_answers_without_one_still_read()
    {
        var sample = (NoticeCopyQueries.Found)Samples.All.Single(s => s is NoticeCopyQueries.Found);
        var summary = new NoticeCopyQueries.Summary("Al-Hassan", "Mohammed", new PartialDate(1980, 4), ["SY", "DZ"]);
        var page = sample with { Entries = [sample.Entries[0] with { Sealed = ReadOnlyMemory<byte>.Empty, Summary = summary }], Total = 7 };

        var decoded = (NoticeCopyQueries.Found)WireFormat.Decode(WireFormat.Encode(page), "nc.found");
        var entry = Assert.Single(decoded.Entries);
        Assert.Equal((summary.Name, summary.Forename, summary.DateOfBirth), (entry.Summary!.Name, entry.Summary.Forename, entry.Summary.DateOfBirth));
        Assert.Equal(summary.Nationalities, entry.Summary.Nationalities);
        Assert.Equal(7, decoded.Total);
        Assert.Null(((NoticeCopyQueries.Found)WireFormat.Decode(WireFormat.Encode(sample), "nc.found")).Entries[0].Summary);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ActorNet.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ActorNet.sln not found above " + AppContext.BaseDirectory);
    }
}
