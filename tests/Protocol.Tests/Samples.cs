using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Bureaus;
using ActorNet.Protocol.Diagnostics;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Sealing;

namespace ActorNet.Protocol.Tests;

/// <summary>One fixed instance of every wire type: the golden bytes are these, encoded.</summary>
public static class Samples
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 10, 30, 15, 123, TimeSpan.Zero);
    private static readonly BureauCode FR = new("FR");
    private static readonly BureauCode US = new("US");
    private static readonly byte[] Sealed = Enumerable.Range(0, 48).Select(i => (byte)(255 - i)).ToArray();
    private static readonly NoticeId Notice = new("0192f0c4a1b27c3d8e9f");

    public static IReadOnlyList<object> All { get; } =
    [
        new BureauEvents.Established(FR, At),
        new BureauEvents.NodeStarted("a1b2c3d4e5f60718", "akka.tcp://actornet@127.0.0.1:4061", "0.1.0", At, "5f0c6a2d"),
        new BureauEvents.SettingsChanged("Bureau central national Paris", null, At),
        new BureauCommands.RecordNodeStart(FR, "a1b2c3d4e5f60718", "akka.tcp://actornet@127.0.0.1:4061", "0.1.0", "5f0c6a2d"),
        new BureauCommands.ChangeSettings(FR, null, "ncb@example.fr"),
        new BureauQueries.GetProfile(FR),
        new BureauQueries.Profile(FR, At, "BCN Paris", "ncb@example.fr", 3, At.AddHours(1), "akka.tcp://actornet@127.0.0.1:4061"),
        new DirectoryCommands.Enrol(new BureauCode("US"), "akka.tcp://actornet@127.0.0.1:4062", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        new DirectoryCommands.Enrolled(new BureauCode("US"), At),
        new DirectoryEvents.BureauEnrolled(new BureauCode("DE"), null, At),
        new DirectoryEvents.BureauSeen(new BureauCode("DE"), true, At),
        new DirectoryEvents.BureauApproved(new BureauCode("DE"), At, "admin"),
        new DirectoryEvents.KeysEndorsed(new KeyEndorsement(new BureauCode("DE"), 2, At, Pattern(0x20, 64), Pattern(0x30, 40))),
        new DirectoryCommands.EnrolmentRefused(new BureauCode("US"), 2, "the rotation proof of key version 2 does not verify under version 1"),
        new DirectoryCommands.Approve(new BureauCode("US"), "admin"),
        new DirectoryCommands.Approved(new BureauCode("US"), At, false, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        new DirectoryCommands.ApprovalRefused(new BureauCode("ZW"), true, "no bureau ZW is in the directory"),
        DirectoryQueries.GetDirectory.Instance,
        new DirectoryQueries.DirectoryView(
        [
            new DirectoryEntry(FR, At, At.AddMinutes(5), null, true),
            new DirectoryEntry(BureauCode.Secretariat, At, At, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", false),
        ], At),
        AuditEntry.Create(7, At, AuditKinds.MessageSent, "msg-0001", "US", "to US, H1", AuditEntry.Genesis),
        AuditEntry.Create(8, At, AuditKinds.MessageDelivered, null, "US", "2 persisted by US, up to sequence 7", AuditEntry.Genesis, ["msg-0001", "msg-0002"]),
        AuditEntry.Create(9, At, AuditKinds.MessageSent, null, "US", "2 queued for US", AuditEntry.Genesis, ["msg-0003", "msg-0004"], new AuditSource("outbox-FR", 12, 13)),
        new DeliveryProtocol.Deliver(FR, US, [new Parcel(1, "msg-0001", Sealed), new Parcel(2, "msg-0002", Sealed)]),
        new DeliveryProtocol.Accepted(US, FR, 2),
        new DeliveryProtocol.ReadReceipt(US, FR, ["msg-0001"], At),
        new OutboxEvents.Posted("msg-0001", [US, new BureauCode("DE")], [1, 7], Sealed, At),
        new OutboxEvents.Delivered(US, 2, At),
        new OutboxEvents.Resumed(At),
        new InboxEvents.Confirmed(FR, 41, 7, At),
        new InboxEvents.Withdrawn(FR, 57, 7, ["msg-0008", "msg-0009"], At),
        new OutboxEvents.ReadBy(US, ["msg-0001", "msg-0002"], At),
        new OutboxEvents.PostedBatch([new OutboxEvents.Posted("msg-0001", [US], [1], Sealed, At), new OutboxEvents.Posted("msg-0002", [US, new BureauCode("DE")], [2, 1], Sealed, At)]),
        new OutboxSnapshot(
            [
                new OutboxSnapshot.RecipientBook(US, 3, 1, [new OutboxSnapshot.JournalRun(2, 5, 2)]),
                new OutboxSnapshot.RecipientBook(new BureauCode("DE"), 1, 1, []),
            ],
            ["msg-0001", "msg-0002", "msg-0003"], [At, At.AddSeconds(1), At.AddSeconds(2)], [2, 1, 1],
            [0, 1, 0, 0], [1, 1, 2, 3], [true, false, false, false]),
        // As the outbox and inbox write them: ids kept as GUIDs go as bytes (o.snapshot2, i.snapshot2).
        new OutboxSnapshot([new OutboxSnapshot.RecipientBook(US, 2, 1, [new OutboxSnapshot.JournalRun(2, 5, 1, InOneEvent: true)])],
            MessageIdColumn.Of(["0192f0c4a1b27c3d8e9f0a1b2c3d4e5f", "msg-0002"]), [At, At.AddSeconds(1)], [1, 1], [0, 0], [1, 2], [true, false]),
        new InboxSnapshot([FR], [0, 0], [1, 2], MessageIdColumn.Of(["msg-0001", "0192f0c4a1b27c3d8e9f0a1b2c3d4e60"]), [At, At.AddSeconds(1)], [3, 4], [false, true]),
        new InboxEvents.Received(FR, 1, "msg-0001", Sealed, At),
        new InboxEvents.ReceivedBatch(FR, [new Parcel(1, "msg-0001", Sealed), new Parcel(2, "msg-0002", Sealed)], At),
        new InboxEvents.Read(["msg-0001"], At),
        new InboxEvents.Refused(FR, [new InboxEvents.RefusedEnvelope("msg-0009", "bad signature"), new InboxEvents.RefusedEnvelope(null, "addressed to DE, not US")], At),
        new InboxSnapshot([FR, new BureauCode("DE")], [0, 1, 0], [1, 1, 2], ["msg-0001", "msg-0002", "msg-0003"], [At, At.AddSeconds(1), At.AddSeconds(2)],
            [3, 4, 4], [true, false, false]),
        new NoticeHandOver.HandedOver(42, At),
        new NoticeHandOver.Taken("ntc.0192f0c4a1b27c3d8e9f.publish.3"),
        new OutboxCommands.Post(FR, "msg-0001", [US], Sealed),
        new OutboxCommands.Posted("msg-0001"),
        new OutboxCommands.PostAll(FR, [new OutboxCommands.Post(FR, "msg-0001", [US], Sealed), new OutboxCommands.Post(FR, "msg-0002", [US, new BureauCode("DE")], Sealed)]),
        new OutboxCommands.PostedAll(["msg-0001", "msg-0002"]),
        new OutboxQueries.GetStatus(FR, "msg-0001"),
        new OutboxQueries.RecipientState(US, DeliveryStates.Delivered),
        new OutboxQueries.MessageStatus("msg-0001", FR, [US], [new OutboxQueries.RecipientState(US, DeliveryStates.Read)], At),
        new OutboxQueries.NotFound("msg-9999"),
        new InboxQueries.List(US, "msg-0001", 100),
        new InboxQueries.Page([new InboxEvents.Received(FR, 1, "msg-0001", Sealed, At)], false),
        new InboxCommands.MarkRead(US, ["msg-0001"]),
        new InboxQueries.Get(US, "msg-0001"),
        new Probe(42, FR, At, Enumerable.Range(0, 64).Select(i => (byte)i).ToArray()),
        // Fixed bytes of the right lengths, not a real seal: the golden bytes must never change.
        new SealedEnvelope(
            new EnvelopeHeader("01JDX3T0RA5Q9M2K7C4V8N6B1Z", FR, [new BureauCode("US"), new BureauCode("DE")], At, HandlingCode.H2, "CASE-2026-0042", 3, ForwardingAllowed: true),
            Pattern(0x10, 48),
            [new WrappedKey(new BureauCode("US"), 1, Pattern(0x40, WrappedKey.Length)), new WrappedKey(new BureauCode("DE"), 2, Pattern(0x80, WrappedKey.Length))],
            new BatchProof(Pattern(0xA0, 32), 1, 3, [Pattern(0xC0, 32), Pattern(0xE0, 32)], Pattern(0x01, 64))),
        new BureauPublicKeys(FR, 2,
            Convert.FromBase64String("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE5iKaHaTPdYlKZAmJnoJugi4elqZhpolQTi6NOAm3n3JcOE/kjdig63g782DQo5XGL+jFDQ5ovROYv1m60IXOag=="),
            Convert.FromBase64String("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE97QEiuCIGZBf86I3DPzkg5U1Wy/rJPp4H8EE2qjZJHKXAXSZwaYhK1DrhATj5KXiZp2TuoFMtepg+L8IK18hQw==")),
        new NoticeEvents.Requested(Notice, "notice", "red", FR, [new BureauCode("ES")], true, [], "ntc.0192f0c4a1b27c3d8e9f.request.1", Sealed, At),
        new NoticeEvents.ComplianceChecked(Notice, [new ComplianceFinding(ComplianceFinding.MissingIdentifiers, "subject.dateOfBirth", "no date of birth, not even a year")], At),
        new NoticeEvents.Approved(Notice, "tok-7f3a", "identity and warrant check out", At),
        new NoticeEvents.Rejected(Notice, "tok-7f3a", "offence of a political character (Article 3)", At),
        new NoticeEvents.Published(Notice, "ntc.0192f0c4a1b27c3d8e9f.publish.3", [US, new BureauCode("DE")], At),
        new NoticeEvents.Notified(Notice, "ntc.0192f0c4a1b27c3d8e9f.state.5", [FR], At),
        new NoticeEvents.Updated(Notice, "FR", "ntc.0192f0c4a1b27c3d8e9f.update.2", Sealed, At),
        new NoticeEvents.Cancelled(Notice, "FR", "subject arrested", At),
        new NoticeEvents.Extended(Notice, [new BureauCode("IT")], At),
        new NoticeCommands.Extend(Notice, [new BureauCode("IT"), new BureauCode("PT")]),
        new NoticeCatchUpEvents.CaughtUp([new BureauCode("IT")], At),
        new NoticeEvents.Withdrawn(Notice, "GS", "diffusion rejected on review", At),
        new NoticeCommands.Review(Notice, true, "tok-7f3a", "identity and warrant check out"),
        new NoticeCommands.Cancel(Notice, "GS", "subject deceased"),
        new NoticeCommands.Done(Notice, "published"),
        new NoticeCommands.Refused(Notice, 409, "already decided: published"),
        new NoticeQueries.Get(Notice),
        new NoticeQueries.Record(Notice, "notice", "red", "published", FR,
            [new ComplianceFinding(ComplianceFinding.Article3, "offence", "mentions 'political'")],
            [new NoticeQueries.Step("requested", "FR", null, At), new NoticeQueries.Step("approved", "tok-7f3a", "ok", At)], At),
        new NoticeCopyEvents.Kept(Notice, "ntc.0192f0c4a1b27c3d8e9f.publish.3", BureauCode.Secretariat, "publish", "notice", "red", "published", FR, Sealed, At),
        new NoticeCopyQueries.List(US, "red", "published", "muhammad alhassan", "FR", 100),
        new NoticeCopyQueries.Get(US, Notice),
        new NoticeCopyQueries.Found([new NoticeCopyQueries.Entry(Notice, "notice", "red", "cancelled", FR, "subject arrested", At, Sealed)], false),
        new NoticeCopyQueries.Search(US, new ActorNet.Protocol.Notices.Search.NoticeSearchQuery
        {
            Text = "muhammad alhassan", Forename = "muhammad", Name = "al hassan", Type = "red", State = "published", Nationality = "SY", Sex = "M",
            WarrantCountry = "FR", IsPublic = true, BornFrom = new DateOnly(1980, 1, 1), BornTo = new DateOnly(1980, 12, 31), AgeMin = 30, AgeMax = 60,
            Today = new DateOnly(2026, 11, 28), Page = 2, PageSize = 20,
        }),
        new NoticeCopyQueries.GetPublic(US, "2026/12345"),
    ];

    private static byte[] Pattern(int start, int length) => Enumerable.Range(start, length).Select(i => (byte)i).ToArray();
}
