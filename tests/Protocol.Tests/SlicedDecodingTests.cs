using System.Runtime.InteropServices;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Sealing;
using ActorNet.Protocol.Serialization;
using Xunit;
using static ActorNet.Protocol.Tests.Sealing.Bureaus;

namespace ActorNet.Protocol.Tests;

/// <summary>
/// The decoders that read delivered envelopes as slices of the bytes received are held to protobuf's own parse: on every
/// message, and on every damaged copy of one (truncated, or with one byte changed), both refuse it or both read the same.
/// </summary>
public class SlicedDecodingTests : IDisposable
{
    protected readonly Sealing.Bureaus bureaus = new();

    public void Dispose() => bureaus.Dispose();

    [Fact]
    public void The_messages_that_carry_envelopes_are_read_by_the_sliced_decoders()
    {
        Assert.Equal(["i.received-batch", "m.deliver", SealedEnvelope.Manifest], WireFormat.SlicedManifests.Order());
    }

    [Fact]
    public void Every_sample_reads_as_protobuf_reads_it()
    {
        foreach (var sample in Samples.All.Where(s => WireFormat.SlicedManifests.Contains(WireFormat.ManifestOf(s))))
            AssertAgree(WireFormat.Encode(sample), WireFormat.ManifestOf(sample), expectDecoded: true);
    }

    [Fact]
    public void Real_envelopes_whole_and_cut_read_as_protobuf_reads_them_and_open()
    {
        var whole = SealToThree();
        AssertAgree(whole.ToBytes(), SealedEnvelope.Manifest, expectDecoded: true);
        foreach (var recipient in new[] { US, DE, ES })
        {
            var cutBytes = whole.Cuts()!.BytesFor(recipient)!;
            AssertAgree(cutBytes, SealedEnvelope.Manifest, expectDecoded: true);
            Assert.Equal("sliced", bureaus.Opener(recipient).Open(SealedEnvelope.FromBytes(cutBytes)).Payload!.Body);
        }
    }

    [Fact]
    public void Every_damaged_copy_is_refused_by_both_or_read_alike_by_both()
    {
        var whole = SealToThree();
        var cut = whole.Cuts()!.BytesFor(DE)!;
        var delivery = WireFormat.Encode(new DeliveryProtocol.Deliver(FR, DE, [new Parcel(7, whole.Id, cut), new Parcel(8, "m-2", new byte[] { 1, 2, 3 })], 41, 5, 6));
        var batch = WireFormat.Encode(new InboxEvents.ReceivedBatch(FR, [new Parcel(7, whole.Id, cut)], At, 41, 6));
        var checkedCopies = 0;
        foreach (var (bytes, manifest) in new[] { (cut, SealedEnvelope.Manifest), (whole.ToBytes(), SealedEnvelope.Manifest), (delivery, "m.deliver"), (batch, "i.received-batch") })
        {
            for (var length = 0; length < bytes.Length; length++)
                checkedCopies += AssertAgree(bytes.AsMemory(0, length).ToArray(), manifest);
            for (var i = 0; i < bytes.Length; i++)
                foreach (var change in new Func<byte, byte>[] { b => (byte)(b ^ 0x01), b => (byte)(b ^ 0x80), b => (byte)(b ^ 0xFF), _ => 0x00, _ => 0x0A })
                {
                    var damaged = (byte[])bytes.Clone();
                    damaged[i] = change(damaged[i]);
                    checkedCopies += AssertAgree(damaged, manifest);
                }
        }
        Assert.True(checkedCopies > 10_000, $"only {checkedCopies} damaged copies checked");
    }

    [Fact]
    public void Unknown_fields_and_a_header_given_in_two_parts_read_as_protobuf_reads_them()
    {
        var cut = SealToThree().Cuts()!.BytesFor(US)!;
        // Field 99 as a varint, field 98 as a group holding a varint, field 2 (the payload) with a varint's wire type.
        byte[] unknown = [0x98, 0x06, 0x2A, 0x93, 0x06, 0x08, 0x01, 0x94, 0x06, 0x10, 0x05];
        AssertAgree([.. cut, .. unknown], SealedEnvelope.Manifest, expectDecoded: true);
        // A second header field that adds a case id: protobuf merges it into the first.
        byte[] moreHeader = [0x0A, 0x06, 0x32, 0x04, (byte)'C', (byte)'A', (byte)'S', (byte)'E'];
        AssertAgree([.. cut, .. moreHeader], SealedEnvelope.Manifest, expectDecoded: true);
        Assert.Equal("CASE", SealedEnvelope.FromBytes((byte[])[.. cut, .. moreHeader]).Header.CaseId);
    }

    [Fact]
    public void A_delivery_s_envelopes_and_their_payloads_are_slices_of_the_bytes_received_not_copies()
    {
        var whole = SealToThree();
        var received = WireFormat.Encode(new DeliveryProtocol.Deliver(FR, US, [new Parcel(1, whole.Id, whole.Cuts()!.BytesFor(US)!)]));
        var delivery = (DeliveryProtocol.Deliver)WireFormat.Decode(received, "m.deliver");
        Assert.True(MemoryMarshal.TryGetArray(delivery.Parcels[0].Sealed, out var sealedBytes));
        Assert.Same(received, sealedBytes.Array);

        var envelope = SealedEnvelope.FromBytes(delivery.Parcels[0].Sealed);
        Assert.True(MemoryMarshal.TryGetArray(envelope.Payload, out var payload));
        Assert.Same(received, payload.Array);
    }

    [Fact]
    public void The_cuts_of_one_message_share_one_parsed_header_and_another_message_gets_its_own()
    {
        var first = SealToThree();
        var cuts = first.Cuts()!;
        var us = SealedEnvelope.FromBytes(cuts.BytesFor(US)!);
        var de = SealedEnvelope.FromBytes(cuts.BytesFor(DE)!);
        Assert.Same(us.Header, de.Header);
        Assert.Equal(first.Header, us.Header);

        var second = SealToThree();
        var other = SealedEnvelope.FromBytes(second.Cuts()!.BytesFor(US)!);
        Assert.NotSame(us.Header, other.Header);
        Assert.Equal(second.Header, other.Header);
    }

    /// <summary>Which recipients the sealer wraps keys for once a batch; none here, all in <see cref="BatchWrappedSlicedDecodingTests"/>.</summary>
    protected virtual Func<BureauCode, bool>? ReadsBatchWraps => null;

    private SealedEnvelope SealToThree() =>
        bureaus.Sealer(FR).Seal([(bureaus.Header(FR, US, DE, ES), Payload("sliced")), (bureaus.Header(FR, US, DE, ES), Payload("other"))], ReadsBatchWraps)[0];

    /// <summary>Both decoders refuse the bytes, or both read them and the results encode alike. Returns 1, for counting.</summary>
    private static int AssertAgree(byte[] bytes, string manifest, bool expectDecoded = false)
    {
        object? byProtobuf = null, sliced = null;
        WireFormatException? protobufRefused = null, slicedRefused = null;
        try
        {
            byProtobuf = WireFormat.DecodeByProtobuf(bytes, manifest);
        }
        catch (WireFormatException e)
        {
            protobufRefused = e;
        }
        try
        {
            sliced = WireFormat.Decode(bytes, manifest);
        }
        catch (WireFormatException e)
        {
            slicedRefused = e;
        }
        Assert.True((protobufRefused is null) == (slicedRefused is null),
            $"{manifest} of {bytes.Length} bytes ({Convert.ToHexString(bytes)}): protobuf {protobufRefused?.Message ?? "reads it"}, sliced {slicedRefused?.Message ?? "reads it"}");
        if (byProtobuf is not null)
            Assert.Equal(WireFormat.Encode(byProtobuf), WireFormat.Encode(sliced!));
        if (expectDecoded)
            Assert.NotNull(sliced);
        return 1;
    }
}

/// <summary>The same with the keys wrapped once a batch: the envelope's salt is read alike by both decoders, whole and cut.</summary>
public sealed class BatchWrappedSlicedDecodingTests : SlicedDecodingTests
{
    protected override Func<BureauCode, bool>? ReadsBatchWraps => _ => true;

    [Fact]
    public void The_salt_is_read_as_a_slice_of_the_bytes_received()
    {
        var whole = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US, DE), Payload(), ReadsBatchWraps);
        var bytes = whole.CutFor(US)!.ToBytes();

        var read = SealedEnvelope.FromBytes(bytes);

        Assert.Equal(whole.WrapSalt.ToArray(), read.WrapSalt.ToArray());
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(read.WrapSalt, out var segment) && ReferenceEquals(segment.Array, bytes));
    }
}
