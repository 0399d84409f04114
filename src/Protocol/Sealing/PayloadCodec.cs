using Google.Protobuf;
using P = ActorNet.Protocol.Serialization.Proto;

namespace ActorNet.Protocol.Sealing;

/// <summary>A payload's plaintext bytes: only ever held in memory, between encryption and decryption.</summary>
internal static class PayloadCodec
{
    public static byte[] Encode(MessagePayload payload)
    {
        var content = new P.SealedContent { Subject = payload.Subject, Body = payload.Body };
        foreach (var a in payload.Attachments)
            content.Attachments.Add(new P.SealedAttachment { Name = a.Name, ContentType = a.ContentType, Content = ByteString.CopyFrom(a.Content.Span) });
        return content.ToByteArray();
    }

    /// <exception cref="InvalidProtocolBufferException">Not a payload.</exception>
    /// <exception cref="ArgumentException">A value breaks the payload's rules (size, names).</exception>
    public static MessagePayload Decode(byte[] plaintext)
    {
        var content = P.SealedContent.Parser.ParseFrom(plaintext);
        return new MessagePayload(content.Subject, content.Body,
            content.Attachments.Select(a => new Attachment(a.Name, a.ContentType, a.Content.Memory)).ToArray());
    }
}
