using System.Collections.Frozen;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Bureaus;
using ActorNet.Protocol.Diagnostics;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Sealing;
using Google.Protobuf;
using P = ActorNet.Protocol.Serialization.Proto;

namespace ActorNet.Protocol.Serialization;

/// <summary>
/// ActorNet's wire format: every <see cref="IActorNetMessage"/> as protobuf bytes plus a short string manifest.
/// Knows nothing of Akka; the actor system's serializer is a thin adapter over it.
/// </summary>
/// <remarks>
/// A manifest, once written to a journal or sent to another node, is never reused for another shape.
/// Change a message by adding protobuf fields; a breaking change gets a new manifest and keeps the old reader.
/// </remarks>
public static class WireFormat
{
    private sealed record Codec(string Manifest, Type Type, Func<object, IMessage> ToProto, Func<ReadOnlyMemory<byte>, object> Decode)
    {
        public byte[] Encode(object message) => ToBytes(ToProto(message));

        /// <summary>A newer shape of the same type under its own manifest, written for the messages that need it.</summary>
        public (Func<object, bool> Needs, Codec Codec)? Variant { get; init; }

        public Codec For(object message) => Variant is { } variant && variant.Needs(message) ? variant.Codec.For(message) : this;

        /// <summary>Protobuf's own parse, where <see cref="Decode"/> is a sliced decoder that must agree with it (tests only).</summary>
        public Func<ReadOnlyMemory<byte>, object>? Reference { get; init; }
    }

    private static readonly FrozenDictionary<Type, Codec> ByType;
    private static readonly FrozenDictionary<string, Codec> ByManifest;

    static WireFormat()
    {
        var codecs = new List<Codec>();

        Codec Make<TMessage, TProto>(string manifest, Func<TMessage, TProto> toProto, Func<TProto, TMessage> fromProto, MessageParser<TProto> parser)
            where TMessage : IActorNetMessage
            where TProto : IMessage<TProto> =>
            new(manifest,
                typeof(TMessage),
                message => toProto((TMessage)message),
                bytes => fromProto(parser.ParseFrom(bytes.Span))!);

        void Add<TMessage, TProto>(string manifest, Func<TMessage, TProto> toProto, Func<TProto, TMessage> fromProto, MessageParser<TProto> parser)
            where TMessage : IActorNetMessage
            where TProto : IMessage<TProto> =>
            codecs.Add(Make(manifest, toProto, fromProto, parser));

        // Messages made of sealed envelopes are read by SlicedDecoding: their bytes fields become slices, not copies.
        void AddSliced<TMessage, TProto>(string manifest, Func<TMessage, TProto> toProto, Func<TProto, TMessage> fromProto, MessageParser<TProto> parser,
            Func<ReadOnlyMemory<byte>, TMessage> sliced)
            where TMessage : IActorNetMessage
            where TProto : IMessage<TProto>
        {
            var byProtobuf = Make(manifest, toProto, fromProto, parser);
            codecs.Add(byProtobuf with { Decode = bytes => sliced(bytes), Reference = byProtobuf.Decode });
        }

        // Decoded by its manifest, written only through the codec it is the variant of.
        var variants = new List<Codec>();

        // Bureau actor
        Add<BureauEvents.Established, P.BureauEstablished>("b.est",
            m => new() { Bureau = m.Bureau.Value, At = Ms(m.At) },
            p => new(Code(p.Bureau), Time(p.At)), P.BureauEstablished.Parser);
        Add<BureauEvents.NodeStarted, P.BureauNodeStarted>("b.start",
            m => new() { NodeId = m.NodeId, Address = m.Address, AppVersion = m.AppVersion, At = Ms(m.At), StartId = m.StartId },
            p => new(p.NodeId, p.Address, p.AppVersion, Time(p.At), p.StartId), P.BureauNodeStarted.Parser);
        Add<BureauEvents.SettingsChanged, P.BureauSettingsChanged>("b.set",
            m => With(new P.BureauSettingsChanged { At = Ms(m.At) }, x => { if (m.DisplayName is not null) x.DisplayName = m.DisplayName; if (m.ContactEmail is not null) x.ContactEmail = m.ContactEmail; }),
            p => new(p.HasDisplayName ? p.DisplayName : null, p.HasContactEmail ? p.ContactEmail : null, Time(p.At)), P.BureauSettingsChanged.Parser);
        Add<BureauCommands.RecordNodeStart, P.RecordNodeStart>("b.rec-start",
            m => new() { Bureau = m.Bureau.Value, NodeId = m.NodeId, Address = m.Address, AppVersion = m.AppVersion, StartId = m.StartId },
            p => new(Code(p.Bureau), p.NodeId, p.Address, p.AppVersion, p.StartId), P.RecordNodeStart.Parser);
        Add<BureauCommands.ChangeSettings, P.ChangeSettings>("b.chg",
            m => With(new P.ChangeSettings { Bureau = m.Bureau.Value }, x => { if (m.DisplayName is not null) x.DisplayName = m.DisplayName; if (m.ContactEmail is not null) x.ContactEmail = m.ContactEmail; }),
            p => new(Code(p.Bureau), p.HasDisplayName ? p.DisplayName : null, p.HasContactEmail ? p.ContactEmail : null), P.ChangeSettings.Parser);
        Add<BureauQueries.GetProfile, P.GetProfile>("b.get",
            m => new() { Bureau = m.Bureau.Value },
            p => new(Code(p.Bureau)), P.GetProfile.Parser);
        Add<BureauQueries.Profile, P.Profile>("b.prof",
            m => With(new P.Profile { Bureau = m.Bureau.Value, EstablishedAt = Ms(m.EstablishedAt), NodeStarts = m.NodeStarts }, x =>
            {
                if (m.DisplayName is not null) x.DisplayName = m.DisplayName;
                if (m.ContactEmail is not null) x.ContactEmail = m.ContactEmail;
                if (m.LastNodeStartAt is { } at) x.LastNodeStartAt = Ms(at);
                if (m.LastNodeAddress is not null) x.LastNodeAddress = m.LastNodeAddress;
            }),
            p => new(Code(p.Bureau), Time(p.EstablishedAt), p.HasDisplayName ? p.DisplayName : null, p.HasContactEmail ? p.ContactEmail : null,
                p.NodeStarts, p.HasLastNodeStartAt ? Time(p.LastNodeStartAt) : null, p.HasLastNodeAddress ? p.LastNodeAddress : null),
            P.Profile.Parser);

        // Directory
        Add<DirectoryCommands.Enrol, P.Enrol>("d.enrol",
            m => With(new P.Enrol { Bureau = m.Bureau.Value, NodeAddress = m.NodeAddress }, x =>
            {
                if (m.Fingerprint is not null) x.Fingerprint = m.Fingerprint;
                if (m.Keys is not null) x.Keys = ToProto(m.Keys);
                if (m.RotationProof is not null) x.RotationProof = ByteString.CopyFrom(m.RotationProof);
            }),
            p => new(Code(p.Bureau), p.NodeAddress, p.HasFingerprint ? p.Fingerprint : null, p.Keys is null ? null : FromProto(p.Keys),
                p.HasRotationProof ? p.RotationProof.ToByteArray() : null), P.Enrol.Parser);
        Add<DirectoryCommands.Enrolled, P.Enrolled>("d.enrolled",
            m => new() { Bureau = m.Bureau.Value, EnrolledAt = Ms(m.EnrolledAt), KeyVersion = m.KeyVersion },
            p => new(Code(p.Bureau), Time(p.EnrolledAt), p.KeyVersion), P.Enrolled.Parser);
        Add<DirectoryCommands.EnrolmentRefused, P.EnrolmentRefused>("d.enrol-refused",
            m => new() { Bureau = m.Bureau.Value, KeyVersion = m.KeyVersion, Reason = m.Reason },
            p => new(Code(p.Bureau), p.KeyVersion, p.Reason), P.EnrolmentRefused.Parser);
        Add<DirectoryCommands.Approve, P.Approve>("d.approve",
            m => new() { Bureau = m.Bureau.Value, By = m.By },
            p => new(Code(p.Bureau), p.By), P.Approve.Parser);
        Add<DirectoryCommands.Approved, P.Approved>("d.approved",
            m => With(new P.Approved { Bureau = m.Bureau.Value, ApprovedAt = Ms(m.ApprovedAt), AlreadyApproved = m.AlreadyApproved }, x =>
            {
                if (m.Fingerprint is not null) x.Fingerprint = m.Fingerprint;
            }),
            p => new(Code(p.Bureau), Time(p.ApprovedAt), p.AlreadyApproved, p.HasFingerprint ? p.Fingerprint : null), P.Approved.Parser);
        Add<DirectoryCommands.ApprovalRefused, P.ApprovalRefused>("d.approve-refused",
            m => new() { Bureau = m.Bureau.Value, Unknown = m.Unknown, Reason = m.Reason },
            p => new(Code(p.Bureau), p.Unknown, p.Reason), P.ApprovalRefused.Parser);
        Add<DirectoryEvents.BureauApproved, P.BureauApproved>("d.b-approved",
            m => new() { Bureau = m.Bureau.Value, At = Ms(m.At), By = m.By },
            p => new(Code(p.Bureau), Time(p.At), p.By), P.BureauApproved.Parser);
        Add<DirectoryEvents.KeysEndorsed, P.KeysEndorsed>("d.k-endorsed",
            m => new() { Endorsement = ToProto(m.Endorsement) },
            p => new(FromProto(p.Endorsement ?? throw new ArgumentException("a key endorsement event without its endorsement"))), P.KeysEndorsed.Parser);
        Add<DirectoryEvents.BureauEnrolled, P.BureauEnrolled>("d.b-enrolled",
            m => With(new P.BureauEnrolled { Bureau = m.Bureau.Value, At = Ms(m.At) }, x =>
            {
                if (m.Fingerprint is not null) x.Fingerprint = m.Fingerprint;
                if (m.Keys is not null) x.Keys = ToProto(m.Keys);
            }),
            p => new(Code(p.Bureau), p.HasFingerprint ? p.Fingerprint : null, Time(p.At), p.Keys is null ? null : FromProto(p.Keys)), P.BureauEnrolled.Parser);
        Add<DirectoryEvents.BureauSeen, P.BureauSeen>("d.b-seen",
            m => new() { Bureau = m.Bureau.Value, Online = m.Online, At = Ms(m.At) },
            p => new(Code(p.Bureau), p.Online, Time(p.At)), P.BureauSeen.Parser);
        Add<DirectoryQueries.GetDirectory, P.GetDirectory>("d.get",
            _ => new(),
            _ => DirectoryQueries.GetDirectory.Instance, P.GetDirectory.Parser);
        Add<DirectoryQueries.DirectoryView, P.DirectoryView>("d.view",
            m => With(new P.DirectoryView { AsOf = Ms(m.AsOf) }, x => x.Entries.AddRange(m.Entries.Select(ToProto))),
            p => new(p.Entries.Select(FromProto).ToArray(), Time(p.AsOf)), P.DirectoryView.Parser);

        // Store-and-forward delivery
        AddSliced<DeliveryProtocol.Deliver, P.Deliver>("m.deliver",
            m => With(new P.Deliver { From = m.From.Value, To = m.To.Value, Incarnation = m.Incarnation, ResumedAfter = m.ResumedAfter, CommittedUpTo = m.CommittedUpTo },
                x => x.Parcels.AddRange(m.Parcels.Select(ToProto))),
            p => new(Code(p.From), Code(p.To), p.Parcels.Select(FromProto).ToArray(), p.Incarnation, p.ResumedAfter, p.CommittedUpTo), P.Deliver.Parser, SlicedDecoding.Deliver);
        Add<DeliveryProtocol.Accepted, P.Accepted>("m.accepted",
            m => new()
            {
                Recipient = m.Recipient.Value, Sender = m.Sender.Value, UpToSequence = m.UpToSequence, TakesCut = m.TakesCut, Bulk = m.Bulk ?? "", BatchWraps = m.BatchWraps,
                HoldsBack = m.HoldsBack, Incarnation = m.Incarnation, ConfirmedUpTo = m.ConfirmedUpTo,
            },
            p => new(Code(p.Recipient), Code(p.Sender), p.UpToSequence, p.TakesCut, p.Bulk.Length == 0 ? null : p.Bulk, p.BatchWraps,
                p.HoldsBack, p.Incarnation, p.ConfirmedUpTo), P.Accepted.Parser);
        Add<DeliveryProtocol.ReadReceipt, P.ReadReceipt>("m.receipt",
            m => With(new P.ReadReceipt { Recipient = m.Recipient.Value, Sender = m.Sender.Value, At = Ms(m.At) }, x => x.Ids.AddRange(m.Ids)),
            p => new(Code(p.Recipient), Code(p.Sender), p.Ids.ToArray(), Time(p.At)), P.ReadReceipt.Parser);
        Add<OutboxEvents.Posted, P.OutboxPosted>("o.posted", ToProto, FromProto, P.OutboxPosted.Parser);
        Add<OutboxEvents.PostedBatch, P.OutboxPostedBatch>("o.posted-batch",
            m => With(new P.OutboxPostedBatch(), x => x.Posts.AddRange(m.Posts.Select(ToProto))),
            p => new(p.Posts.Select(FromProto).ToArray()), P.OutboxPostedBatch.Parser);
        Add<OutboxEvents.Delivered, P.OutboxDelivered>("o.delivered",
            m => new() { Recipient = m.Recipient.Value, UpToSequence = m.UpToSequence, At = Ms(m.At) },
            p => new(Code(p.Recipient), p.UpToSequence, Time(p.At)), P.OutboxDelivered.Parser);
        Add<OutboxEvents.Resumed, P.OutboxResumed>("o.resumed", m => new() { At = Ms(m.At) }, p => new(Time(p.At)), P.OutboxResumed.Parser);
        Add<OutboxEvents.ReadBy, P.OutboxReadBy>("o.read",
            m => With(new P.OutboxReadBy { Recipient = m.Recipient.Value, At = Ms(m.At) }, x => x.Ids.AddRange(m.Ids)),
            p => new(Code(p.Recipient), p.Ids.ToArray(), Time(p.At)), P.OutboxReadBy.Parser);
        // Snapshots whose ids are a MessageIdColumn (what the outbox and inbox take) are written with their GUIDs as bytes.
        var outboxColumns = Make<OutboxSnapshot, P.OutboxSnapshotColumns>("o.snapshot2", ToColumns, FromProto, P.OutboxSnapshotColumns.Parser);
        variants.Add(outboxColumns);
        codecs.Add(Make<OutboxSnapshot, P.OutboxSnapshot>("o.snapshot", ToProto, FromProto, P.OutboxSnapshot.Parser)
            with { Variant = (m => ((OutboxSnapshot)m).Ids is MessageIdColumn, outboxColumns) });
        var inboxColumns = Make<InboxSnapshot, P.InboxSnapshotColumns>("i.snapshot2", ToColumns, FromProto, P.InboxSnapshotColumns.Parser);
        variants.Add(inboxColumns);
        codecs.Add(Make<InboxSnapshot, P.InboxSnapshot>("i.snapshot", ToProto, FromProto, P.InboxSnapshot.Parser)
            with { Variant = (m => ((InboxSnapshot)m).ArrivalIds is MessageIdColumn, inboxColumns) });
        Add<InboxEvents.Received, P.InboxReceived>("i.received", ToProto, FromProto, P.InboxReceived.Parser);
        AddSliced<InboxEvents.ReceivedBatch, P.InboxReceivedBatch>("i.received-batch",
            m => With(new P.InboxReceivedBatch { From = m.From.Value, At = Ms(m.At), Incarnation = m.Incarnation, ConfirmedUpTo = m.ConfirmedUpTo },
                x => x.Parcels.AddRange(m.Parcels.Select(ToProto))),
            p => new(Code(p.From), p.Parcels.Select(FromProto).ToArray(), Time(p.At), p.Incarnation, p.ConfirmedUpTo), P.InboxReceivedBatch.Parser, SlicedDecoding.ReceivedBatch);
        Add<InboxEvents.Confirmed, P.InboxConfirmed>("i.confirmed",
            m => new() { From = m.From.Value, Incarnation = m.Incarnation, UpToSequence = m.UpToSequence, At = Ms(m.At) },
            p => new(Code(p.From), p.Incarnation, p.UpToSequence, Time(p.At)), P.InboxConfirmed.Parser);
        Add<InboxEvents.Withdrawn, P.InboxWithdrawn>("i.withdrawn",
            m => With(new P.InboxWithdrawn { From = m.From.Value, Incarnation = m.Incarnation, AfterSequence = m.AfterSequence, At = Ms(m.At) }, x => x.Ids.AddRange(m.Ids)),
            p => new(Code(p.From), p.Incarnation, p.AfterSequence, p.Ids.ToArray(), Time(p.At)), P.InboxWithdrawn.Parser);
        Add<InboxEvents.Read, P.InboxRead>("i.read",
            m => With(new P.InboxRead { At = Ms(m.At) }, x => x.Ids.AddRange(m.Ids)),
            p => new(p.Ids.ToArray(), Time(p.At)), P.InboxRead.Parser);
        Add<InboxEvents.Refused, P.InboxRefused>("i.refused",
            m => With(new P.InboxRefused { From = m.From.Value, At = Ms(m.At) },
                x => x.Envelopes.AddRange(m.Envelopes.Select(e => new P.InboxRefusedEnvelope { Id = e.Id ?? "", Reason = e.Reason }))),
            p => new(Code(p.From), p.Envelopes.Count > 0
                ? p.Envelopes.Select(e => new InboxEvents.RefusedEnvelope(e.Id.Length == 0 ? null : e.Id, e.Reason)).ToArray()
                : throw new ArgumentException("a refusal that names no envelope"), Time(p.At)), P.InboxRefused.Parser);
        Add<OutboxCommands.Post, P.Post>("o.post", ToProto, FromProto, P.Post.Parser);
        Add<OutboxCommands.Posted, P.PostedReply>("o.posted-reply",
            m => new() { Id = m.Id },
            p => new(p.Id), P.PostedReply.Parser);
        Add<OutboxCommands.PostAll, P.PostAll>("o.post-all",
            m => With(new P.PostAll { From = m.From.Value }, x => x.Posts.AddRange(m.Posts.Select(ToProto))),
            p => new(Code(p.From), p.Posts.Select(FromProto).ToArray()), P.PostAll.Parser);
        Add<OutboxCommands.PostedAll, P.PostedAllReply>("o.posted-all-reply",
            m => With(new P.PostedAllReply(), x => x.Ids.AddRange(m.Ids)),
            p => new(p.Ids.ToArray()), P.PostedAllReply.Parser);
        Add<OutboxQueries.GetStatus, P.GetStatus>("o.get-status",
            m => new() { From = m.From.Value, Id = m.Id },
            p => new(Code(p.From), p.Id), P.GetStatus.Parser);
        Add<OutboxQueries.RecipientState, P.RecipientState>("o.recipient-state", ToProto, FromProto, P.RecipientState.Parser);
        Add<OutboxQueries.MessageStatus, P.MessageStatus>("o.status",
            m => With(new P.MessageStatus { Id = m.Id, From = m.From.Value, PostedAt = Ms(m.PostedAt) }, x =>
            {
                x.To.AddRange(m.To.Select(c => c.Value));
                x.Recipients.AddRange(m.Recipients.Select(ToProto));
            }),
            p => new(p.Id, Code(p.From), p.To.Select(Code).ToArray(), p.Recipients.Select(FromProto).ToArray(), Time(p.PostedAt)), P.MessageStatus.Parser);
        Add<OutboxQueries.NotFound, P.StatusNotFound>("o.not-found",
            m => new() { Id = m.Id },
            p => new(p.Id), P.StatusNotFound.Parser);
        Add<InboxQueries.List, P.ListInbox>("i.list",
            m => With(new P.ListInbox { Bureau = m.Bureau.Value, Limit = m.Limit }, x => { if (m.AfterId is not null) x.AfterId = m.AfterId; }),
            p => new(Code(p.Bureau), p.HasAfterId ? p.AfterId : null, p.Limit), P.ListInbox.Parser);
        Add<InboxQueries.Page, P.InboxPage>("i.page",
            m => With(new P.InboxPage { UnknownAfterId = m.UnknownAfterId }, x => x.Items.AddRange(m.Items.Select(ToProto))),
            p => new(p.Items.Select(FromProto).ToArray(), p.UnknownAfterId), P.InboxPage.Parser);
        Add<InboxQueries.Get, P.GetReceived>("i.get",
            m => new() { Bureau = m.Bureau.Value, Id = m.Id },
            p => new(Code(p.Bureau), p.Id), P.GetReceived.Parser);
        Add<InboxCommands.MarkRead, P.MarkRead>("i.mark-read",
            m => With(new P.MarkRead { Bureau = m.Bureau.Value }, x => x.Ids.AddRange(m.Ids)),
            p => new(Code(p.Bureau), p.Ids.ToArray()), P.MarkRead.Parser);

        // Audit log: an entry about several messages is written under its own manifest, and one naming its journal events under another.
        var auditSourced = Make<AuditEntry, P.AuditSourcedEntry>("a.entry-sourced",
            m => With(new P.AuditSourcedEntry
            {
                Sequence = m.Sequence, At = Ms(m.At), Kind = m.Kind, Detail = m.Detail, PreviousHash = m.PreviousHash, Hash = m.Hash,
                SourcePersistenceId = m.Source!.PersistenceId, SourceFromSequenceNr = m.Source.FromSequenceNr, SourceToSequenceNr = m.Source.ToSequenceNr,
            }, x =>
            {
                if (m.MessageId is not null) x.MessageId = m.MessageId;
                if (m.Peer is not null) x.Peer = m.Peer;
                x.MessageIds.AddRange(m.MessageIds ?? []);
            }),
            p => new(p.Sequence, Time(p.At), p.Kind, p.HasMessageId ? p.MessageId : null, p.HasPeer ? p.Peer : null, p.Detail, p.PreviousHash, p.Hash,
                p.MessageIds.Count > 0 ? p.MessageIds.ToArray() : null, new AuditSource(p.SourcePersistenceId, p.SourceFromSequenceNr, p.SourceToSequenceNr)),
            P.AuditSourcedEntry.Parser);
        variants.Add(auditSourced);
        var auditBatch = Make<AuditEntry, P.AuditBatchEntry>("a.entry-batch",
            m => With(new P.AuditBatchEntry { Sequence = m.Sequence, At = Ms(m.At), Kind = m.Kind, Detail = m.Detail, PreviousHash = m.PreviousHash, Hash = m.Hash }, x =>
            {
                if (m.Peer is not null) x.Peer = m.Peer;
                x.MessageIds.AddRange(m.MessageIds ?? []);
            }),
            p => new(p.Sequence, Time(p.At), p.Kind, null, p.HasPeer ? p.Peer : null, p.Detail, p.PreviousHash, p.Hash, p.MessageIds.ToArray()),
            P.AuditBatchEntry.Parser) with { Variant = (m => ((AuditEntry)m).Source is not null, auditSourced) };
        variants.Add(auditBatch);
        codecs.Add(Make<AuditEntry, P.AuditEntry>("a.entry",
            m => With(new P.AuditEntry { Sequence = m.Sequence, At = Ms(m.At), Kind = m.Kind, Detail = m.Detail, PreviousHash = m.PreviousHash, Hash = m.Hash }, x =>
            {
                if (m.MessageId is not null) x.MessageId = m.MessageId;
                if (m.Peer is not null) x.Peer = m.Peer;
            }),
            p => new(p.Sequence, Time(p.At), p.Kind, p.HasMessageId ? p.MessageId : null, p.HasPeer ? p.Peer : null, p.Detail, p.PreviousHash, p.Hash),
            P.AuditEntry.Parser) with { Variant = (m => ((AuditEntry)m).MessageIds is { Count: > 0 } || ((AuditEntry)m).Source is not null, auditBatch) });

        // Diagnostics
        Add<Probe, P.Probe>("x.probe",
            m => new() { Sequence = m.Sequence, From = m.From.Value, SentAt = Ms(m.SentAt), Payload = UnsafeByteOperations.UnsafeWrap(m.Payload) },
            p => new(p.Sequence, Code(p.From), Time(p.SentAt), p.Payload.Memory), P.Probe.Parser);

        // Sealed messages
        AddSliced<SealedEnvelope, P.SealedEnvelope>(SealedEnvelope.Manifest, ToProto, FromProto, P.SealedEnvelope.Parser, SlicedDecoding.SealedEnvelope);
        Add<BureauPublicKeys, P.BureauPublicKeys>("k.pub", ToProto, FromProto, P.BureauPublicKeys.Parser);

        // Notices: the Secretariat's Notice actors, and each bureau's copies
        Add<NoticeEvents.Requested, P.NoticeRequested>("n.requested",
            m => With(new P.NoticeRequested
            {
                NoticeId = m.NoticeId.Value, Kind = m.Kind, Type = m.Type, RequestedBy = m.RequestedBy.Value, Public = m.Public,
                EnvelopeId = m.EnvelopeId, Sealed = Bytes(m.Sealed), At = Ms(m.At),
            }, x =>
            {
                x.RestrictedFrom.AddRange(m.RestrictedFrom.Select(b => b.Value));
                x.To.AddRange(m.To.Select(b => b.Value));
            }),
            p => new(Notice(p.NoticeId), p.Kind, p.Type, Code(p.RequestedBy), p.RestrictedFrom.Select(Code).ToArray(), p.Public, p.To.Select(Code).ToArray(),
                p.EnvelopeId, p.Sealed.Memory, Time(p.At)), P.NoticeRequested.Parser);
        Add<NoticeEvents.ComplianceChecked, P.NoticeComplianceChecked>("n.checked",
            m => With(new P.NoticeComplianceChecked { NoticeId = m.NoticeId.Value, At = Ms(m.At) }, x => x.Findings.AddRange(m.Findings.Select(NoticeProto.ToProto))),
            p => new(Notice(p.NoticeId), p.Findings.Select(NoticeProto.FromProto).ToArray(), Time(p.At)), P.NoticeComplianceChecked.Parser);
        // Pairs of events that share one protobuf shape: (notice, who, why, when) and (notice, envelope, recipients, when).
        void AddDecision<T>(string manifest, Func<T, (NoticeId Id, string Who, string Why, DateTimeOffset At)> parts, Func<NoticeId, string, string, DateTimeOffset, T> make)
            where T : IActorNetMessage => Add<T, P.NoticeDecided>(manifest,
                m =>
                {
                    var (id, who, why, at) = parts(m);
                    return new P.NoticeDecided { NoticeId = id.Value, Reviewer = who, Reason = why, At = Ms(at) };
                },
                p => make(Notice(p.NoticeId), p.Reviewer, p.Reason, Time(p.At)), P.NoticeDecided.Parser);
        void AddSent<T>(string manifest, Func<T, (NoticeId Id, string Envelope, IReadOnlyList<BureauCode> To, DateTimeOffset At)> parts,
            Func<NoticeId, string, IReadOnlyList<BureauCode>, DateTimeOffset, T> make)
            where T : IActorNetMessage => Add<T, P.NoticeSent>(manifest,
                m =>
                {
                    var (id, envelope, to, at) = parts(m);
                    return With(new P.NoticeSent { NoticeId = id.Value, EnvelopeId = envelope, At = Ms(at) }, x => x.Recipients.AddRange(to.Select(b => b.Value)));
                },
                p => make(Notice(p.NoticeId), p.EnvelopeId, p.Recipients.Select(Code).ToArray(), Time(p.At)), P.NoticeSent.Parser);
        AddDecision<NoticeEvents.Approved>("n.approved", m => (m.NoticeId, m.Reviewer, m.Reason, m.At), (id, who, why, at) => new(id, who, why, at));
        AddDecision<NoticeEvents.Rejected>("n.rejected", m => (m.NoticeId, m.Reviewer, m.Reason, m.At), (id, who, why, at) => new(id, who, why, at));
        AddSent<NoticeEvents.Published>("n.published", m => (m.NoticeId, m.EnvelopeId, m.Recipients, m.At), (id, envelope, to, at) => new(id, envelope, to, at));
        AddSent<NoticeEvents.Notified>("n.notified", m => (m.NoticeId, m.EnvelopeId, m.Recipients, m.At), (id, envelope, to, at) => new(id, envelope, to, at));
        Add<NoticeEvents.Updated, P.NoticeUpdated>("n.updated",
            m => new() { NoticeId = m.NoticeId.Value, By = m.By, EnvelopeId = m.EnvelopeId, Sealed = Bytes(m.Sealed), At = Ms(m.At) },
            p => new(Notice(p.NoticeId), p.By, p.EnvelopeId, p.Sealed.Memory, Time(p.At)), P.NoticeUpdated.Parser);
        void AddClosed<T>(string manifest, Func<T, (NoticeId Id, string By, string Why, DateTimeOffset At)> parts, Func<NoticeId, string, string, DateTimeOffset, T> make)
            where T : IActorNetMessage => Add<T, P.NoticeClosed>(manifest,
                m =>
                {
                    var (id, by, why, at) = parts(m);
                    return new P.NoticeClosed { NoticeId = id.Value, By = by, Reason = why, At = Ms(at) };
                },
                p => make(Notice(p.NoticeId), p.By, p.Reason, Time(p.At)), P.NoticeClosed.Parser);
        AddClosed<NoticeEvents.Cancelled>("n.cancelled", m => (m.NoticeId, m.By, m.Reason, m.At), (id, by, why, at) => new(id, by, why, at));
        AddClosed<NoticeEvents.Withdrawn>("n.withdrawn", m => (m.NoticeId, m.By, m.Reason, m.At), (id, by, why, at) => new(id, by, why, at));
        Add<NoticeCommands.Review, P.NoticeReview>("n.review",
            m => new() { NoticeId = m.NoticeId.Value, Approve = m.Approve, Reviewer = m.Reviewer, Reason = m.Reason },
            p => new(Notice(p.NoticeId), p.Approve, p.Reviewer, p.Reason), P.NoticeReview.Parser);
        Add<NoticeCommands.Cancel, P.NoticeCancel>("n.cancel",
            m => new() { NoticeId = m.NoticeId.Value, By = m.By, Reason = m.Reason },
            p => new(Notice(p.NoticeId), p.By, p.Reason), P.NoticeCancel.Parser);
        Add<NoticeCommands.Done, P.NoticeDone>("n.done",
            m => new() { NoticeId = m.NoticeId.Value, State = m.State },
            p => new(Notice(p.NoticeId), p.State), P.NoticeDone.Parser);
        Add<NoticeCommands.Refused, P.NoticeRefused>("n.refused",
            m => new() { NoticeId = m.NoticeId.Value, Status = m.Status, Reason = m.Reason },
            p => new(Notice(p.NoticeId), p.Status, p.Reason), P.NoticeRefused.Parser);
        Add<NoticeQueries.Get, P.NoticeGet>("n.get",
            m => new() { NoticeId = m.NoticeId.Value },
            p => new(Notice(p.NoticeId)), P.NoticeGet.Parser);
        Add<NoticeQueries.Record, P.NoticeRecord>("n.record",
            m => With(new P.NoticeRecord
            {
                NoticeId = m.NoticeId.Value, Kind = m.Kind, Type = m.Type, State = m.State, RequestedBy = m.RequestedBy.Value, UpdatedAt = Ms(m.UpdatedAt),
            }, x =>
            {
                x.Findings.AddRange(m.Findings.Select(NoticeProto.ToProto));
                x.History.AddRange(m.History.Select(s => With(new P.NoticeStep { What = s.What, By = s.By, At = Ms(s.At) }, y => { if (s.Reason is not null) y.Reason = s.Reason; })));
            }),
            p => new(Notice(p.NoticeId), p.Kind, p.Type, p.State, Code(p.RequestedBy), p.Findings.Select(NoticeProto.FromProto).ToArray(),
                p.History.Select(s => new NoticeQueries.Step(s.What, s.By, s.HasReason ? s.Reason : null, Time(s.At))).ToArray(), Time(p.UpdatedAt)),
            P.NoticeRecord.Parser);
        Add<NoticeCopyEvents.Kept, P.NoticeCopyKept>("nc.kept",
            m => new()
            {
                NoticeId = m.NoticeId.Value, EnvelopeId = m.EnvelopeId, From = m.From.Value, Operation = m.Operation, Kind = m.Kind, Type = m.Type,
                State = m.State, RequestedBy = m.RequestedBy.Value, Sealed = Bytes(m.Sealed), At = Ms(m.At),
            },
            p => new(Notice(p.NoticeId), p.EnvelopeId, Code(p.From), p.Operation, p.Kind, p.Type, p.State, Code(p.RequestedBy), p.Sealed.Memory, Time(p.At)),
            P.NoticeCopyKept.Parser);
        Add<NoticeEvents.Extended, P.NoticeExtended>("n.extended",
            m => With(new P.NoticeExtended { NoticeId = m.NoticeId.Value, At = Ms(m.At) }, x => x.Bureaus.AddRange(m.Bureaus.Select(b => b.Value))),
            p => new(Notice(p.NoticeId), p.Bureaus.Select(Code).ToArray(), Time(p.At)), P.NoticeExtended.Parser);
        Add<NoticeCommands.Extend, P.NoticeExtend>("n.extend",
            m => With(new P.NoticeExtend { NoticeId = m.NoticeId.Value }, x => x.Bureaus.AddRange(m.Bureaus.Select(b => b.Value))),
            p => new(Notice(p.NoticeId), p.Bureaus.Select(Code).ToArray()), P.NoticeExtend.Parser);
        Add<NoticeCatchUpEvents.CaughtUp, P.NoticeBureausCaughtUp>("n.caught-up",
            m => With(new P.NoticeBureausCaughtUp { At = Ms(m.At) }, x => x.Bureaus.AddRange(m.Bureaus.Select(b => b.Value))),
            p => new(p.Bureaus.Select(Code).ToArray(), Time(p.At)), P.NoticeBureausCaughtUp.Parser);
        Add<NoticeHandOver.HandedOver, P.NoticeHandedOver>("i.handed-over",
            m => new() { UpTo = m.UpTo, At = Ms(m.At) },
            p => new(p.UpTo, Time(p.At)), P.NoticeHandedOver.Parser);
        Add<NoticeHandOver.Taken, P.NoticeTaken>("i.taken",
            m => new() { EnvelopeId = m.EnvelopeId },
            p => new(p.EnvelopeId), P.NoticeTaken.Parser);
        Add<NoticeCopyQueries.List, P.NoticeCopyList>("nc.list",
            m => With(new P.NoticeCopyList { Bureau = m.Bureau.Value, Limit = m.Limit }, x =>
            {
                if (m.Type is not null) x.Type = m.Type;
                if (m.State is not null) x.State = m.State;
                if (m.Query is not null) x.Query = m.Query;
                if (m.Nationality is not null) x.Nationality = m.Nationality;
            }),
            p => new(Code(p.Bureau), p.HasType ? p.Type : null, p.HasState ? p.State : null, p.HasQuery ? p.Query : null,
                p.HasNationality ? p.Nationality : null, p.Limit), P.NoticeCopyList.Parser);
        Add<NoticeCopyQueries.Get, P.NoticeCopyGet>("nc.get",
            m => new() { Bureau = m.Bureau.Value, NoticeId = m.NoticeId.Value },
            p => new(Code(p.Bureau), Notice(p.NoticeId)), P.NoticeCopyGet.Parser);
        Add<NoticeCopyQueries.Search, P.NoticeCopySearch>("nc.search",
            m => ToProto(m),
            p => FromProto(p), P.NoticeCopySearch.Parser);
        Add<NoticeCopyQueries.GetPublic, P.NoticeCopyGetPublic>("nc.get-public",
            m => new() { Bureau = m.Bureau.Value, EntityId = m.EntityId },
            p => new(Code(p.Bureau), p.EntityId), P.NoticeCopyGetPublic.Parser);
        Add<NoticeCopyQueries.Found, P.NoticeCopyFound>("nc.found",
            m => With(new P.NoticeCopyFound { Withdrawn = m.Withdrawn, Total = m.Total }, x => x.Entries.AddRange(m.Entries.Select(e => With(new P.NoticeCopyEntry
            {
                NoticeId = e.NoticeId.Value, Kind = e.Kind, Type = e.Type, State = e.State, RequestedBy = e.RequestedBy.Value, UpdatedAt = Ms(e.UpdatedAt),
                Sealed = Bytes(e.Sealed),
            }, y =>
            {
                if (e.Reason is not null) y.Reason = e.Reason;
                if (e.Summary is { } summary) y.Summary = ToProto(summary);
            })))),
            p => new(p.Entries.Select(e => new NoticeCopyQueries.Entry(Notice(e.NoticeId), e.Kind, e.Type, e.State, Code(e.RequestedBy),
                e.HasReason ? e.Reason : null, Time(e.UpdatedAt), e.Sealed.Memory, e.Summary is null ? null : FromProto(e.Summary))).ToArray(),
                p.Withdrawn, p.Total), P.NoticeCopyFound.Parser);

        ByType = codecs.ToFrozenDictionary(c => c.Type);
        ByManifest = codecs.Concat(variants).ToFrozenDictionary(c => c.Manifest, StringComparer.Ordinal);
    }

    /// <summary>Every type the wire format carries, with its manifest.</summary>
    public static IReadOnlyDictionary<Type, string> Manifests => ByType.ToDictionary(kv => kv.Key, kv => kv.Value.Manifest);

    public static bool Handles(Type type) => ByType.ContainsKey(type);

    public static string ManifestOf(object message) => CodecFor(message.GetType()).For(message).Manifest;

    public static byte[] Encode(object message) => CodecFor(message.GetType()).For(message).Encode(message);

    /// <summary>
    /// The bytes <see cref="Encode"/> makes, written into <paramref name="destination"/> instead of an array of their own
    /// (a bulk channel frame); <paramref name="destination"/> is as long as <see cref="Prepare"/> said.
    /// </summary>
    public static void EncodeInto(IMessage proto, Span<byte> destination) => proto.WriteTo(destination);

    /// <summary>The manifest and protobuf form of <paramref name="message"/>, and how many bytes it encodes to.</summary>
    public static (string Manifest, IMessage Proto, int EncodedSize) Prepare(object message)
    {
        var codec = CodecFor(message.GetType()).For(message);
        var proto = codec.ToProto(message);
        return (codec.Manifest, proto, proto.CalculateSize());
    }

    /// <exception cref="WireFormatException">The manifest is unknown or the bytes do not decode.</exception>
    public static object Decode(ReadOnlyMemory<byte> bytes, string manifest) => Decoded(bytes, manifest, codec => codec.Decode);

    /// <summary>As <see cref="Decode"/>, by protobuf's own parse for the messages <see cref="SlicedDecoding"/> reads: what the sliced decoders are held to.</summary>
    internal static object DecodeByProtobuf(ReadOnlyMemory<byte> bytes, string manifest) => Decoded(bytes, manifest, codec => codec.Reference ?? codec.Decode);

    private static object Decoded(ReadOnlyMemory<byte> bytes, string manifest, Func<Codec, Func<ReadOnlyMemory<byte>, object>> decoderOf)
    {
        if (!ByManifest.TryGetValue(manifest, out var codec))
            throw new WireFormatException($"Unknown manifest '{manifest}': the message was written by a newer ActorNet version or is corrupt.");
        try
        {
            return decoderOf(codec)(bytes);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or ArgumentException)
        {
            throw new WireFormatException($"A '{manifest}' message of {bytes.Length} bytes does not decode: {e.Message}", e);
        }
    }

    /// <summary>The manifests read by a sliced decoder (tests only).</summary>
    internal static IEnumerable<string> SlicedManifests => ByManifest.Values.Where(c => c.Reference is not null).Select(c => c.Manifest);

    private static Codec CodecFor(Type type) =>
        ByType.TryGetValue(type, out var codec)
            ? codec
            : throw new WireFormatException($"{type.FullName} has no wire format: add it to {nameof(WireFormat)}.");

    private static P.Post ToProto(OutboxCommands.Post m) =>
        With(new P.Post { From = m.From.Value, Id = m.Id, Sealed = UnsafeByteOperations.UnsafeWrap(m.Sealed) }, x => x.To.AddRange(m.To.Select(c => c.Value)));

    private static OutboxCommands.Post FromProto(P.Post p) => new(Code(p.From), p.Id, p.To.Select(Code).ToArray(), p.Sealed.Memory);

    private static P.DirectoryEntry ToProto(DirectoryEntry e) =>
        With(new P.DirectoryEntry { Bureau = e.Bureau.Value, EnrolledAt = Ms(e.EnrolledAt), LastSeen = Ms(e.LastSeen), Online = e.Online }, x =>
        {
            if (e.Fingerprint is not null) x.Fingerprint = e.Fingerprint;
            x.Keys.AddRange(e.Keys.Select(ToProto));
            if (e.ApprovedAt is { } approved) x.ApprovedAt = Ms(approved);
            x.Endorsements.AddRange(e.Endorsements.Select(ToProto));
        });

    private static DirectoryEntry FromProto(P.DirectoryEntry p) =>
        new(Code(p.Bureau), Time(p.EnrolledAt), Time(p.LastSeen), p.HasFingerprint ? p.Fingerprint : null, p.Online, p.Keys.Select(FromProto).ToArray(),
            p.HasApprovedAt ? Time(p.ApprovedAt) : null, p.Endorsements.Select(FromProto).ToArray());

    private static P.KeyEndorsement ToProto(KeyEndorsement m) =>
        new() { Bureau = m.Bureau.Value, Version = m.Version, At = Ms(m.At), Signature = Bytes(m.Signature), SignerCertificate = Bytes(m.SignerCertificate) };

    private static KeyEndorsement FromProto(P.KeyEndorsement p) =>
        new(Code(p.Bureau), p.Version, Time(p.At), p.Signature.ToByteArray(), p.SignerCertificate.ToByteArray());

    private static P.BureauPublicKeys ToProto(BureauPublicKeys m) =>
        new() { Bureau = m.Bureau.Value, Version = m.Version, SigningKey = ByteString.CopyFrom(m.SigningKey), AgreementKey = ByteString.CopyFrom(m.AgreementKey) };

    private static BureauPublicKeys FromProto(P.BureauPublicKeys p) =>
        new(Code(p.Bureau), p.Version, p.SigningKey.ToByteArray(), p.AgreementKey.ToByteArray());

    private static P.Parcel ToProto(Parcel m) => new() { Sequence = m.Sequence, Id = m.Id, Sealed = UnsafeByteOperations.UnsafeWrap(m.Sealed) };

    private static Parcel FromProto(P.Parcel p) => new(p.Sequence, p.Id, p.Sealed.Memory);

    private static P.OutboxPosted ToProto(OutboxEvents.Posted m) =>
        With(new P.OutboxPosted { Id = m.Id, Sealed = UnsafeByteOperations.UnsafeWrap(m.Sealed), At = Ms(m.At) }, x =>
        {
            x.To.AddRange(m.To.Select(c => c.Value));
            x.Sequences.AddRange(m.Sequences);
        });

    private static OutboxEvents.Posted FromProto(P.OutboxPosted p)
    {
        if (p.Sequences.Count != p.To.Count)
            throw new ArgumentException($"a posted envelope for {p.To.Count} recipients with {p.Sequences.Count} sequence numbers");
        return new(p.Id, p.To.Select(Code).ToArray(), p.Sequences.ToArray(), p.Sealed.Memory, Time(p.At));
    }

    private static P.InboxReceived ToProto(InboxEvents.Received m) =>
        new() { From = m.From.Value, Sequence = m.Sequence, Id = m.Id, Sealed = UnsafeByteOperations.UnsafeWrap(m.Sealed), At = Ms(m.At) };

    private static InboxEvents.Received FromProto(P.InboxReceived p) => new(Code(p.From), p.Sequence, p.Id, p.Sealed.Memory, Time(p.At));

    private static P.RecipientState ToProto(OutboxQueries.RecipientState m) => new() { Recipient = m.Recipient.Value, State = m.State };

    private static OutboxQueries.RecipientState FromProto(P.RecipientState p) => new(Code(p.Recipient), p.State);
    private static P.OutboxSnapshot ToProto(OutboxSnapshot m)
    {
        var p = new P.OutboxSnapshot();
        p.Recipients.AddRange(m.Recipients.Select(ToProto));
        p.Ids.AddRange(m.Ids);
        p.PostedAt.AddRange(m.PostedAt.Select(Ms));
        p.RecipientCounts.AddRange(m.RecipientCounts);
        p.SlotRecipients.AddRange(m.SlotRecipients);
        p.SlotSequences.AddRange(m.SlotSequences);
        p.SlotRead.AddRange(m.SlotRead);
        return p;
    }

    private static P.OutboxSnapshotColumns ToColumns(OutboxSnapshot m)
    {
        var ids = (MessageIdColumn)m.Ids;
        var p = new P.OutboxSnapshotColumns { IdGuids = GuidBytes(ids) };
        p.Recipients.AddRange(m.Recipients.Select(ToProto));
        p.OtherIdNumbers.AddRange(ids.Others.Keys.Order());
        p.OtherIds.AddRange(ids.Others.OrderBy(kv => kv.Key).Select(kv => kv.Value));
        AddColumn(p.PostedAt, m.PostedAt, Ms);
        AddColumn(p.RecipientCounts, m.RecipientCounts, n => n);
        AddColumn(p.SlotRecipients, m.SlotRecipients, r => r);
        AddColumn(p.SlotSequences, m.SlotSequences, s => s);
        AddColumn(p.SlotRead, m.SlotRead, r => r);
        return p;
    }

    /// <summary>A column into its field sized once: a snapshot's columns hold every message, and growing by doubling copied each several times.</summary>
    private static void AddColumn<T, TField>(Google.Protobuf.Collections.RepeatedField<TField> field, IReadOnlyList<T> column, Func<T, TField> value)
    {
        field.Capacity = field.Count + column.Count;
        for (var i = 0; i < column.Count; i++)
            field.Add(value(column[i]));
    }

    private static P.OutboxRecipientBook ToProto(OutboxSnapshot.RecipientBook b) => With(
        new P.OutboxRecipientBook { Recipient = b.Recipient.Value, LastSequence = b.LastSequence, DeliveredUpTo = b.DeliveredUpTo,
            LastDeliveredAt = b.LastDeliveredAt is { } at ? Ms(at) : 0 },
        x => x.Pending.AddRange(b.Pending.Select(r => new P.JournalRun
        {
            FirstSequence = r.FirstSequence, FirstJournalSequence = r.FirstJournalSequence, Count = r.Count, InOneEvent = r.InOneEvent,
        })));

    private static OutboxSnapshot.RecipientBook FromProto(P.OutboxRecipientBook b) => new(Code(b.Recipient), b.LastSequence, b.DeliveredUpTo,
        b.Pending.Select(r => new OutboxSnapshot.JournalRun(r.FirstSequence, r.FirstJournalSequence, r.Count, r.InOneEvent)).ToArray(),
        b.LastDeliveredAt == 0 ? null : Time(b.LastDeliveredAt));

    private static OutboxSnapshot FromProto(P.OutboxSnapshot p) =>
        Outbox(p.Recipients, p.Ids.ToArray(), p.PostedAt, p.RecipientCounts, p.SlotRecipients, p.SlotSequences, p.SlotRead);

    private static OutboxSnapshot FromProto(P.OutboxSnapshotColumns p) =>
        Outbox(p.Recipients, IdColumn(p.IdGuids, p.OtherIdNumbers, p.OtherIds), p.PostedAt, p.RecipientCounts, p.SlotRecipients, p.SlotSequences, p.SlotRead);

    private static OutboxSnapshot Outbox(IReadOnlyList<P.OutboxRecipientBook> recipients, IReadOnlyList<string> ids, IReadOnlyList<long> postedAt,
        IReadOnlyList<int> recipientCounts, IReadOnlyList<int> slotRecipients, IReadOnlyList<long> slotSequences, IReadOnlyList<bool> slotRead)
    {
        if (postedAt.Count != ids.Count || recipientCounts.Count != ids.Count)
            throw new ArgumentException($"an outbox snapshot with {ids.Count} ids but {postedAt.Count} times and {recipientCounts.Count} recipient counts");
        var slots = recipientCounts.Sum();
        if (slotRecipients.Count != slots || slotSequences.Count != slots || slotRead.Count != slots)
            throw new ArgumentException($"an outbox snapshot whose messages name {slots} recipients but holds {slotRecipients.Count}, {slotSequences.Count} and {slotRead.Count} of them");
        if (slotRecipients.Any(r => r < 0 || r >= recipients.Count))
            throw new ArgumentException("an outbox snapshot with a recipient index out of range");
        return new OutboxSnapshot(recipients.Select(FromProto).ToArray(), ids, postedAt.Select(Time).ToArray(), recipientCounts.ToArray(),
            slotRecipients.ToArray(), slotSequences.ToArray(), slotRead.ToArray());
    }

    private static P.InboxSnapshot ToProto(InboxSnapshot m)
    {
        var p = new P.InboxSnapshot();
        p.Senders.AddRange(m.Senders.Select(b => b.Value));
        p.ArrivalSenders.AddRange(m.ArrivalSenders);
        p.ArrivalSequences.AddRange(m.ArrivalSequences);
        p.ArrivalIds.AddRange(m.ArrivalIds);
        p.ArrivedAt.AddRange(m.ArrivedAt.Select(Ms));
        p.JournalSequences.AddRange(m.JournalSequences);
        p.Read.AddRange(m.Read);
        return p;
    }

    private static P.InboxSnapshotColumns ToColumns(InboxSnapshot m)
    {
        var ids = (MessageIdColumn)m.ArrivalIds;
        var p = new P.InboxSnapshotColumns { ArrivalIdGuids = GuidBytes(ids) };
        p.Senders.AddRange(m.Senders.Select(b => b.Value));
        AddColumn(p.ArrivalSenders, m.ArrivalSenders, s => s);
        AddColumn(p.ArrivalSequences, m.ArrivalSequences, s => s);
        p.OtherIdPositions.AddRange(ids.Others.Keys.Order());
        p.OtherIds.AddRange(ids.Others.OrderBy(kv => kv.Key).Select(kv => kv.Value));
        AddColumn(p.ArrivedAt, m.ArrivedAt, Ms);
        AddColumn(p.JournalSequences, m.JournalSequences, s => s);
        AddColumn(p.Read, m.Read, r => r);
        return p;
    }

    private static InboxSnapshot FromProto(P.InboxSnapshot p) =>
        Inbox(p.Senders, p.ArrivalSenders, p.ArrivalSequences, p.ArrivalIds.ToArray(), p.ArrivedAt, p.JournalSequences, p.Read);

    private static InboxSnapshot FromProto(P.InboxSnapshotColumns p) =>
        Inbox(p.Senders, p.ArrivalSenders, p.ArrivalSequences, IdColumn(p.ArrivalIdGuids, p.OtherIdPositions, p.OtherIds), p.ArrivedAt, p.JournalSequences, p.Read);

    private static InboxSnapshot Inbox(IReadOnlyList<string> senders, IReadOnlyList<int> arrivalSenders, IReadOnlyList<long> arrivalSequences,
        IReadOnlyList<string> ids, IReadOnlyList<long> arrivedAt, IReadOnlyList<long> journalSequences, IReadOnlyList<bool> read)
    {
        var n = ids.Count;
        if (arrivalSenders.Count != n || arrivalSequences.Count != n || arrivedAt.Count != n || journalSequences.Count != n || read.Count != n)
            throw new ArgumentException($"an inbox snapshot with {n} ids but {arrivalSenders.Count} senders, {arrivalSequences.Count} sequences, " +
                $"{arrivedAt.Count} times, {journalSequences.Count} journal positions and {read.Count} read marks");
        if (arrivalSenders.Any(s => s < 0 || s >= senders.Count))
            throw new ArgumentException("an inbox snapshot with a sender index out of range");
        return new InboxSnapshot(senders.Select(Code).ToArray(), arrivalSenders.ToArray(), arrivalSequences.ToArray(), ids,
            arrivedAt.Select(Time).ToArray(), journalSequences.ToArray(), read.ToArray());
    }

    /// <summary>A snapshot's GUIDs, 16 bytes each, big-endian as <see cref="MessageIds"/> writes them; zeros where the id is kept as text.</summary>
    private static ByteString GuidBytes(MessageIdColumn ids)
    {
        var bytes = new byte[ids.Count * 16];
        for (var i = 0; i < ids.Count; i++)
            ids.GuidAt(i)?.TryWriteBytes(bytes.AsSpan(i * 16, 16), bigEndian: true, out _);
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }

    private static MessageIdColumn IdColumn(ByteString guidBytes, IReadOnlyList<int> otherNumbers, IReadOnlyList<string> otherIds)
    {
        if (guidBytes.Length % 16 != 0)
            throw new ArgumentException($"a snapshot's ids take {guidBytes.Length} bytes, not 16 an id");
        if (otherNumbers.Count != otherIds.Count)
            throw new ArgumentException($"a snapshot with {otherNumbers.Count} numbers for its {otherIds.Count} ids kept as text");
        var span = guidBytes.Span;
        var guids = new Guid[span.Length / 16];
        for (var i = 0; i < guids.Length; i++)
            guids[i] = new Guid(span.Slice(i * 16, 16), bigEndian: true);
        var others = new Dictionary<int, string>(otherIds.Count);
        for (var i = 0; i < otherIds.Count; i++)
            if (!others.TryAdd(otherNumbers[i], otherIds[i]))
                throw new ArgumentException($"a snapshot with two ids kept as text at number {otherNumbers[i]}");
        return new MessageIdColumn(guids, others);
    }

    private static P.SealedEnvelope ToProto(SealedEnvelope m)
    {
        var h = m.Header;
        var header = new P.EnvelopeHeader
        {
            Id = h.Id, From = h.From.Value, SentAt = Ms(h.SentAt), HandlingCode = (int)h.HandlingCode,
            SenderKeyVersion = h.SenderKeyVersion, ForwardingAllowed = h.ForwardingAllowed,
        };
        header.To.AddRange(h.To.Select(b => b.Value));
        if (h.CaseId is not null) header.CaseId = h.CaseId;
        var proof = new P.BatchProof
        {
            Root = Bytes(m.Proof.Root), LeafIndex = m.Proof.LeafIndex, BatchSize = m.Proof.BatchSize, Signature = Bytes(m.Proof.Signature),
        };
        proof.Path.AddRange(m.Proof.Path.Select(Bytes));
        var envelope = new P.SealedEnvelope { Header = header, Payload = Bytes(m.Payload), Proof = proof };
        envelope.Keys.AddRange(m.Keys.Select(ToProto));
        if (m.KeyProof is { } keyProof)
            envelope.KeyProof = ToProto(keyProof);
        if (!m.WrapSalt.IsEmpty)
            envelope.WrapSalt = Bytes(m.WrapSalt);
        return envelope;
    }

    private static P.WrappedKey ToProto(WrappedKey k) => new() { Recipient = k.Recipient.Value, RecipientKeyVersion = k.RecipientKeyVersion, Key = Bytes(k.Key) };

    private static P.KeyProof ToProto(KeyProof k) => With(new P.KeyProof { Index = k.Index, Count = k.Count }, x => x.Path.AddRange(k.Path.Select(Bytes)));

    /// <summary>
    /// A cut envelope's bytes without its key and key proof. Concatenated with <see cref="EncodeKeyOnly"/>'s bytes they read
    /// as the whole cut (protobuf takes fields in any order), so an envelope cut for many recipients is encoded once.
    /// </summary>
    internal static byte[] EncodeAllButKey(SealedEnvelope cut)
    {
        var proto = ToProto(cut);
        proto.Keys.Clear();
        proto.KeyProof = null;
        return ToBytes(proto);
    }

    internal static byte[] EncodeKeyOnly(WrappedKey key, KeyProof keyProof) =>
        ToBytes(With(new P.SealedEnvelope { KeyProof = ToProto(keyProof) }, x => x.Keys.Add(ToProto(key))));

    /// <summary>
    /// As protobuf's ToByteArray, into an array the runtime does not zero first: every byte is written. A delivery is tens
    /// of kilobytes; zeroing fresh memory (for this copy and Akka.Remote's own) was a tenth of a sending node's time in a fan-out.
    /// </summary>
    private static byte[] ToBytes(IMessage proto)
    {
        var bytes = GC.AllocateUninitializedArray<byte>(proto.CalculateSize());
        proto.WriteTo(bytes.AsSpan());
        return bytes;
    }

    private static SealedEnvelope FromProto(P.SealedEnvelope p)
    {
        var h = p.Header ?? throw new ArgumentException("a sealed envelope without a header");
        var proof = p.Proof ?? throw new ArgumentException("a sealed envelope without its batch proof");
        return new SealedEnvelope(
            HeaderFromProto(h),
            p.Payload.Memory,
            p.Keys.Select(k => new WrappedKey(Code(k.Recipient), k.RecipientKeyVersion, k.Key.Memory)).ToArray(),
            new BatchProof(proof.Root.Memory, proof.LeafIndex, proof.BatchSize, proof.Path.Select(b => b.Memory).ToArray(), proof.Signature.Memory),
            p.KeyProof is { } k ? new KeyProof(k.Index, k.Count, k.Path.Select(b => b.Memory).ToArray()) : null,
            p.WrapSalt.Memory);
    }

    internal static EnvelopeHeader HeaderFromProto(P.EnvelopeHeader h) =>
        new(h.Id, Code(h.From), h.To.Select(Code).ToArray(), Time(h.SentAt), (HandlingCode)h.HandlingCode, h.HasCaseId ? h.CaseId : null,
            h.SenderKeyVersion, h.ForwardingAllowed);

    // Envelope bytes are immutable once sealed, so they are shared with protobuf rather than copied.
    private static ByteString Bytes(ReadOnlyMemory<byte> bytes) => UnsafeByteOperations.UnsafeWrap(bytes);

    private static T With<T>(T proto, Action<T> fill)
    {
        fill(proto);
        return proto;
    }

    private static P.NoticeCopySearch ToProto(NoticeCopyQueries.Search m)
    {
        var q = m.Query;
        var p = new P.NoticeCopySearch { Bureau = m.Bureau.Value, Page = q.Page, PageSize = q.PageSize };
        if (q.Text is not null) p.Text = q.Text;
        if (q.Forename is not null) p.Forename = q.Forename;
        if (q.Name is not null) p.Name = q.Name;
        if (q.Type is not null) p.Type = q.Type;
        if (q.State is not null) p.State = q.State;
        if (q.Nationality is not null) p.Nationality = q.Nationality;
        if (q.Sex is not null) p.Sex = q.Sex;
        if (q.WarrantCountry is not null) p.WarrantCountry = q.WarrantCountry;
        if (q.IsPublic is { } isPublic) p.IsPublic = isPublic;
        if (q.BornFrom is { } from) p.BornFrom = IsoDay(from);
        if (q.BornTo is { } to) p.BornTo = IsoDay(to);
        if (q.AgeMin is { } min) p.AgeMin = min;
        if (q.AgeMax is { } max) p.AgeMax = max;
        if (q.Today is { } today) p.Today = IsoDay(today);
        return p;
    }

    private static P.NoticeCopySummary ToProto(NoticeCopyQueries.Summary m)
    {
        var p = new P.NoticeCopySummary();
        if (m.Name is not null) p.Name = m.Name;
        if (m.Forename is not null) p.Forename = m.Forename;
        if (m.DateOfBirth is { } born) p.DateOfBirth = born.ToString();
        p.Nationalities.AddRange(m.Nationalities);
        return p;
    }

    // A date of birth that does not parse is left out rather than failing the whole answer: it is shown, not acted on.
    private static NoticeCopyQueries.Summary FromProto(P.NoticeCopySummary p) => new(
        p.HasName ? p.Name : null, p.HasForename ? p.Forename : null,
        p.HasDateOfBirth && PartialDate.TryParse(p.DateOfBirth, out var born) ? born : null, p.Nationalities.ToArray());

    private static NoticeCopyQueries.Search FromProto(P.NoticeCopySearch p) => new(Code(p.Bureau), new Notices.Search.NoticeSearchQuery
    {
        Text = p.HasText ? p.Text : null,
        Forename = p.HasForename ? p.Forename : null,
        Name = p.HasName ? p.Name : null,
        Type = p.HasType ? p.Type : null,
        State = p.HasState ? p.State : null,
        Nationality = p.HasNationality ? p.Nationality : null,
        Sex = p.HasSex ? p.Sex : null,
        WarrantCountry = p.HasWarrantCountry ? p.WarrantCountry : null,
        IsPublic = p.HasIsPublic ? p.IsPublic : null,
        BornFrom = p.HasBornFrom ? IsoDay(p.BornFrom) : null,
        BornTo = p.HasBornTo ? IsoDay(p.BornTo) : null,
        AgeMin = p.HasAgeMin ? p.AgeMin : null,
        AgeMax = p.HasAgeMax ? p.AgeMax : null,
        Today = p.HasToday ? IsoDay(p.Today) : null,
        Page = p.Page,
        PageSize = p.PageSize,
    });

    private static string IsoDay(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static DateOnly IsoDay(string day) => DateOnly.ParseExact(day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static BureauCode Code(string value) => BureauCode.Of(value);

    private static NoticeId Notice(string value) => new(value);
}

public sealed class WireFormatException(string message, Exception? inner = null) : Exception(message, inner);
