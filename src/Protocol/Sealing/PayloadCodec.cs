using System.Buffers;
using System.Security.Cryptography;
using Google.Protobuf;
using P = ActorNet.Protocol.Serialization.Proto;

namespace ActorNet.Protocol.Sealing;

/// <summary>A payload's plaintext bytes: only ever held in memory, between encryption and decryption.</summary>
internal static class PayloadCodec
{
    /// <summary>
    /// The payload's bytes in a pooled array, the first <paramref name="length"/> of it: the caller encrypts them, then zeroes
    /// and returns the array (<see cref="Release"/>). Every message sent was a new array of its size before.
    /// </summary>
    public static byte[] Encode(MessagePayload payload, out int length)
    {
        var content = new P.SealedContent { Subject = payload.Subject, Body = payload.Body };
        foreach (var a in payload.Attachments)
            content.Attachments.Add(new P.SealedAttachment { Name = a.Name, ContentType = a.ContentType, Content = UnsafeByteOperations.UnsafeWrap(a.Content) });
        length = content.CalculateSize();
        var bytes = ArrayPool<byte>.Shared.Rent(length);
        content.WriteTo(bytes.AsSpan(0, length));
        return bytes;
    }

    /// <summary>Zeroes the plaintext <see cref="Encode"/> gave and returns its array to the pool.</summary>
    public static void Release(byte[] plaintext, int length)
    {
        CryptographicOperations.ZeroMemory(plaintext.AsSpan(0, length));
        ArrayPool<byte>.Shared.Return(plaintext);
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
