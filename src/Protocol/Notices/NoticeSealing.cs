using ActorNet.Protocol.Sealing;
using ActorNet.Protocol.Serialization;
using Google.Protobuf;

namespace ActorNet.Protocol.Notices;

/// <summary>
/// A notice document as the payload of a sealed envelope, so that notices reuse the sealer, the opener and store-and-forward delivery:
/// the document's protobuf bytes ride as the payload's one attachment.
/// </summary>
public static class NoticeSealing
{
    public const string Subject = "actornet-notice";
    public const string AttachmentName = "notice.pb";
    public const string ContentType = "application/vnd.actornet.notice+protobuf";

    public static MessagePayload ToPayload(NoticeDocument document) =>
        new(Subject, "", [new Attachment(AttachmentName, ContentType, NoticeProto.Encode(document))]);

    /// <summary>The document in an opened payload, or null when the payload is not one (or does not decode).</summary>
    public static NoticeDocument? FromPayload(MessagePayload? payload)
    {
        if (payload is not { Subject: Subject, Attachments: [{ ContentType: ContentType } attachment] })
            return null;
        try
        {
            return NoticeProto.Decode(attachment.Content.Span);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Opens a stored notice envelope and reads its document: null when it does not open here or holds no document.</summary>
    public static OpenedNotice? Open(Opener opener, ReadOnlyMemory<byte> sealedEnvelope)
    {
        try
        {
            var opened = opener.Open(SealedEnvelope.FromBytes(sealedEnvelope));
            return opened.IsOpened && FromPayload(opened.Payload) is { } document ? new OpenedNotice(opened.Header, document) : null;
        }
        catch (Exception e) when (e is WireFormatException or ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>A notice document and the signed header it came under: who sent it, to whom.</summary>
public sealed record OpenedNotice(EnvelopeHeader Header, NoticeDocument Document);
