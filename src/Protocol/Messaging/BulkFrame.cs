using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using ActorNet.Protocol.Serialization;

namespace ActorNet.Protocol.Messaging;

/// <summary>
/// A frame on the bulk channel, the direct connection an outbox sends its <see cref="DeliveryProtocol.Deliver"/> messages
/// over beside Akka.Remote (acknowledgements still go back over Akka). Layout, network byte order:
/// <c>"ANB" version:u8 | length:u32 | replyToLength:u16 replyTo(UTF-8) | manifestLength:u8 manifest(ASCII) | message</c>,
/// where <c>length</c> counts what follows the header and <c>message</c> is the <see cref="WireFormat"/> bytes under that
/// manifest. The reply-to is the sending outbox's full actor path, which the recipient's inbox acknowledges to.
/// </summary>
public static class BulkFrame
{
    public const byte Version = 1;
    public const int HeaderSize = 8;

    /// <summary>The largest frame body a reader takes: a Deliver holds one envelope of up to 1 MiB of payload, or many smaller ones under 64 KiB.</summary>
    public const int MaxBodySize = 8 * 1024 * 1024;

    private const int MaxReplyTo = 1024;

    private static ReadOnlySpan<byte> Magic => "ANB"u8;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The whole frame for <paramref name="message"/> in a pooled array (return it with <see cref="ArrayPool{T}.Shared"/>);
    /// <paramref name="length"/> is how much of it is the frame.
    /// </summary>
    /// <exception cref="ArgumentException">The reply-to path is empty or too long.</exception>
    public static byte[] Rent(string replyTo, object message, out int length)
    {
        ArgumentException.ThrowIfNullOrEmpty(replyTo);
        var (manifest, proto, size) = WireFormat.Prepare(message);
        var replyToLength = Encoding.UTF8.GetByteCount(replyTo);
        if (replyToLength > MaxReplyTo)
            throw new ArgumentException($"a reply-to path is at most {MaxReplyTo} bytes, not {replyToLength}", nameof(replyTo));
        var bodyLength = 2 + replyToLength + 1 + manifest.Length + size;
        length = HeaderSize + bodyLength;
        var frame = ArrayPool<byte>.Shared.Rent(length);
        var span = frame.AsSpan(0, length);
        Magic.CopyTo(span);
        span[3] = Version;
        BinaryPrimitives.WriteInt32BigEndian(span[4..], bodyLength);
        var at = HeaderSize;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)replyToLength);
        at += 2;
        at += Encoding.UTF8.GetBytes(replyTo, span[at..]);
        span[at++] = (byte)manifest.Length;
        at += Encoding.ASCII.GetBytes(manifest, span[at..]);
        // Straight into the frame: no array of the message's own to copy from.
        WireFormat.EncodeInto(proto, span[at..]);
        return frame;
    }

    /// <summary>The length of the body that follows a header.</summary>
    /// <exception cref="BulkFrameException">Not a bulk frame, a version this node does not read, or a length out of bounds.</exception>
    public static int ReadHeader(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderSize || !header[..3].SequenceEqual(Magic))
            throw new BulkFrameException("not a bulk frame: it does not start with \"ANB\"");
        if (header[3] != Version)
            throw new BulkFrameException($"bulk frame version {header[3]}; this node reads version {Version}");
        var length = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (length is < 4 or > MaxBodySize)
            throw new BulkFrameException($"a bulk frame body of {length} bytes; it must be 4 to {MaxBodySize}");
        return length;
    }

    /// <summary>Reads a body: the reply-to path, and the message decoded with its bytes fields as slices of <paramref name="body"/>.</summary>
    /// <exception cref="BulkFrameException">The body is cut short, or its message does not decode under its manifest.</exception>
    public static (string ReplyTo, object Message) ReadBody(ReadOnlyMemory<byte> body)
    {
        var span = body.Span;
        if (span.Length < 3)
            throw new BulkFrameException("a bulk frame body cut short");
        var replyToLength = BinaryPrimitives.ReadUInt16BigEndian(span);
        if (replyToLength is 0 or > MaxReplyTo || span.Length < 2 + replyToLength + 1)
            throw new BulkFrameException($"a bulk frame's reply-to of {replyToLength} bytes does not fit its body of {span.Length}");
        string replyTo;
        try
        {
            replyTo = StrictUtf8.GetString(span.Slice(2, replyToLength));
        }
        catch (DecoderFallbackException)
        {
            throw new BulkFrameException("a bulk frame's reply-to is not UTF-8");
        }
        var at = 2 + replyToLength;
        var manifestLength = span[at++];
        if (manifestLength == 0 || span.Length < at + manifestLength)
            throw new BulkFrameException($"a bulk frame's manifest of {manifestLength} bytes does not fit its body");
        var manifest = Encoding.ASCII.GetString(span.Slice(at, manifestLength));
        at += manifestLength;
        try
        {
            return (replyTo, WireFormat.Decode(body[at..], manifest));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new BulkFrameException($"a bulk frame's {manifest} message does not decode: {e.Message}");
        }
    }
}

/// <summary>Bytes on the bulk channel that are not a frame this node reads; the connection they came on is closed.</summary>
public sealed class BulkFrameException(string message) : Exception(message);
