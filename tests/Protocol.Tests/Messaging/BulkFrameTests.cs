using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using ActorNet.Protocol.Messaging;
using Xunit;

namespace ActorNet.Protocol.Tests;

public sealed class BulkFrameTests
{
    private const string ReplyTo = "akka.ssl.tcp://actornet@127.0.0.1:4061/user/outbox/outbox";
    private static readonly BureauCode Fr = new("FR");
    private static readonly BureauCode Us = new("US");

    private static DeliveryProtocol.Deliver Deliver(int parcels = 3) =>
        new(Fr, Us, Enumerable.Range(1, parcels).Select(i => new Parcel(i, $"id-{i}", Enumerable.Range(0, 100 + i).Select(b => (byte)(b * i)).ToArray())).ToArray());

    private static byte[] Frame(string replyTo, object message)
    {
        var rented = BulkFrame.Rent(replyTo, message, out var length);
        try
        {
            return rented.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static (string ReplyTo, object Message) Read(byte[] frame)
    {
        var length = BulkFrame.ReadHeader(frame);
        Assert.Equal(frame.Length - BulkFrame.HeaderSize, length);
        return BulkFrame.ReadBody(frame.AsMemory(BulkFrame.HeaderSize));
    }

    [Fact]
    public void A_deliver_comes_back_whole_with_its_reply_to_and_its_envelopes_as_slices_of_the_frame()
    {
        var deliver = Deliver();
        var frame = Frame(ReplyTo, deliver);

        var (replyTo, message) = Read(frame);

        Assert.Equal(ReplyTo, replyTo);
        var read = Assert.IsType<DeliveryProtocol.Deliver>(message);
        Assert.Equal((deliver.From, deliver.To), (read.From, read.To));
        Assert.Equal(deliver.Parcels.Select(p => (p.Sequence, p.Id, Convert.ToHexString(p.Sealed.Span))),
            read.Parcels.Select(p => (p.Sequence, p.Id, Convert.ToHexString(p.Sealed.Span))));
        // No copy per envelope: the bytes read are the frame's own.
        frame[^1] ^= 0xff;
        Assert.Equal(frame[^1], read.Parcels[^1].Sealed.Span[^1]);
    }

    [Fact]
    public void The_header_names_the_format_its_version_and_the_body_length()
    {
        var frame = Frame(ReplyTo, Deliver(1));
        Assert.Equal("ANB"u8.ToArray(), frame[..3]);
        Assert.Equal(BulkFrame.Version, frame[3]);
        Assert.Equal(frame.Length - BulkFrame.HeaderSize, BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4)));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1", "does not start with \"ANB\"")]
    [InlineData("ANB\u0002\0\0\0\u0010", "version 2; this node reads version 1")]
    [InlineData("ANB\u0001\u007f\0\0\0", "must be 4 to")]
    [InlineData("ANB\u0001\0\0\0\u0001", "must be 4 to")]
    public void A_header_that_is_not_a_frame_of_this_version_or_claims_too_much_is_refused_saying_why(string header, string expected)
    {
        var e = Assert.Throws<BulkFrameException>(() => BulkFrame.ReadHeader(Encoding.Latin1.GetBytes(header)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_body_cut_short_or_with_an_unknown_or_undecodable_message_is_refused_saying_why()
    {
        var body = Frame(ReplyTo, Deliver())[BulkFrame.HeaderSize..];

        Assert.Contains("cut short", Assert.Throws<BulkFrameException>(() => BulkFrame.ReadBody(body[..2])).Message);
        Assert.Contains("reply-to of", Assert.Throws<BulkFrameException>(() => BulkFrame.ReadBody(body[..20])).Message);

        var manifestAt = 2 + Encoding.UTF8.GetByteCount(ReplyTo);
        var unknown = body.ToArray();
        unknown[manifestAt + 1] = (byte)'z'; // "m.deliver" becomes "z.deliver"
        Assert.Contains("z.deliver", Assert.Throws<BulkFrameException>(() => BulkFrame.ReadBody(unknown)).Message);

        var garbage = body[..(manifestAt + 1 + "m.deliver".Length)].Concat(new byte[] { 0x0a, 0xff, 0xff, 0xff }).ToArray();
        Assert.Contains("m.deliver message does not decode", Assert.Throws<BulkFrameException>(() => BulkFrame.ReadBody(garbage)).Message);

        var notUtf8 = body.ToArray();
        notUtf8[2] = 0xff;
        Assert.Contains("not UTF-8", Assert.Throws<BulkFrameException>(() => BulkFrame.ReadBody(notUtf8)).Message);
    }

    [Fact]
    public void A_reply_to_path_that_is_empty_or_too_long_is_not_framed()
    {
        Assert.ThrowsAny<ArgumentException>(() => BulkFrame.Rent("", Deliver(), out _));
        Assert.Throws<ArgumentException>(() => BulkFrame.Rent(new string('a', 2000), Deliver(), out _));
    }
}
