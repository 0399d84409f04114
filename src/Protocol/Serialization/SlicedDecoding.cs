using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Sealing;
using P = ActorNet.Protocol.Serialization.Proto;

namespace ActorNet.Protocol.Serialization;

/// <summary>
/// Decoders for the messages that carry sealed envelopes (a delivery, the inbox's batch event, the envelope itself): the
/// same fields as messaging.proto and sealing.proto, read with <see cref="ProtoSliceReader"/> so that the sealed bytes,
/// payloads, keys and proofs are slices of the bytes received instead of copies made at every parse.
/// </summary>
/// <remarks>
/// They take what protobuf takes, field for field: fields in any order, unknown fields and known numbers with another wire
/// type passed over, the last value of a scalar kept, a message field given twice merged (parsed as the concatenation of
/// its parts). The tests hold them to protobuf's own parse, on every message and on every damaged copy of one.
/// </remarks>
internal static class SlicedDecoding
{
    public static DeliveryProtocol.Deliver Deliver(ReadOnlyMemory<byte> bytes)
    {
        var reader = new ProtoSliceReader(bytes);
        string from = "", to = "";
        long incarnation = 0, resumedAfter = 0, committedUpTo = 0;
        var parcels = new List<Parcel>();
        while (reader.Next(out var field, out var wireType))
            switch (field, wireType)
            {
                case (1, ProtoSliceReader.LengthDelimited): from = reader.ReadString(); break;
                case (2, ProtoSliceReader.LengthDelimited): to = reader.ReadString(); break;
                case (3, ProtoSliceReader.LengthDelimited): parcels.Add(Parcel(reader.ReadBytes())); break;
                case (4, ProtoSliceReader.Varint): incarnation = reader.ReadInt64(); break;
                case (5, ProtoSliceReader.Varint): resumedAfter = reader.ReadInt64(); break;
                case (6, ProtoSliceReader.Varint): committedUpTo = reader.ReadInt64(); break;
                default: reader.Skip(field, wireType); break;
            }
        return new(BureauCode.Of(from), BureauCode.Of(to), parcels, incarnation, resumedAfter, committedUpTo);
    }

    public static InboxEvents.ReceivedBatch ReceivedBatch(ReadOnlyMemory<byte> bytes)
    {
        var reader = new ProtoSliceReader(bytes);
        var from = "";
        long at = 0, incarnation = 0, confirmedUpTo = 0;
        var parcels = new List<Parcel>();
        while (reader.Next(out var field, out var wireType))
            switch (field, wireType)
            {
                case (1, ProtoSliceReader.LengthDelimited): from = reader.ReadString(); break;
                case (2, ProtoSliceReader.LengthDelimited): parcels.Add(Parcel(reader.ReadBytes())); break;
                case (3, ProtoSliceReader.Varint): at = reader.ReadInt64(); break;
                case (4, ProtoSliceReader.Varint): incarnation = reader.ReadInt64(); break;
                case (5, ProtoSliceReader.Varint): confirmedUpTo = reader.ReadInt64(); break;
                default: reader.Skip(field, wireType); break;
            }
        return new(BureauCode.Of(from), parcels, DateTimeOffset.FromUnixTimeMilliseconds(at), incarnation, confirmedUpTo);
    }

    public static SealedEnvelope SealedEnvelope(ReadOnlyMemory<byte> bytes)
    {
        var reader = new ProtoSliceReader(bytes);
        Parts header = default, proof = default, keyProof = default;
        var payload = ReadOnlyMemory<byte>.Empty;
        var wrapSalt = ReadOnlyMemory<byte>.Empty;
        var keys = new List<WrappedKey>(1);
        while (reader.Next(out var field, out var wireType))
            switch (field, wireType)
            {
                case (1, ProtoSliceReader.LengthDelimited): header.Add(reader.ReadBytes()); break;
                case (2, ProtoSliceReader.LengthDelimited): payload = reader.ReadBytes(); break;
                case (3, ProtoSliceReader.LengthDelimited): keys.Add(WrappedKey(reader.ReadBytes())); break;
                case (4, ProtoSliceReader.LengthDelimited): proof.Add(reader.ReadBytes()); break;
                case (5, ProtoSliceReader.LengthDelimited): keyProof.Add(reader.ReadBytes()); break;
                case (6, ProtoSliceReader.LengthDelimited): wrapSalt = reader.ReadBytes(); break;
                default: reader.Skip(field, wireType); break;
            }
        if (!header.Present)
            throw new ArgumentException("a sealed envelope without a header");
        if (!proof.Present)
            throw new ArgumentException("a sealed envelope without its batch proof");
        return new SealedEnvelope(EnvelopeHeaders.Of(header.Bytes), payload, keys, BatchProof(proof.Bytes),
            keyProof.Present ? KeyProof(keyProof.Bytes) : null, wrapSalt);
    }

    private static Parcel Parcel(ReadOnlyMemory<byte> bytes)
    {
        var reader = new ProtoSliceReader(bytes);
        long sequence = 0;
        var id = "";
        var sealedBytes = ReadOnlyMemory<byte>.Empty;
        while (reader.Next(out var field, out var wireType))
            switch (field, wireType)
            {
                case (1, ProtoSliceReader.Varint): sequence = reader.ReadInt64(); break;
                case (2, ProtoSliceReader.LengthDelimited): id = reader.ReadString(); break;
                case (3, ProtoSliceReader.LengthDelimited): sealedBytes = reader.ReadBytes(); break;
                default: reader.Skip(field, wireType); break;
            }
        return new(sequence, id, sealedBytes);
    }

    private static WrappedKey WrappedKey(ReadOnlyMemory<byte> bytes)
    {
        var reader = new ProtoSliceReader(bytes);
        var recipient = "";
        var version = 0;
        var key = ReadOnlyMemory<byte>.Empty;
        while (reader.Next(out var field, out var wireType))
            switch (field, wireType)
            {
                case (1, ProtoSliceReader.LengthDelimited): recipient = reader.ReadString(); break;
                case (2, ProtoSliceReader.Varint): version = reader.ReadInt32(); break;
                case (3, ProtoSliceReader.LengthDelimited): key = reader.ReadBytes(); break;
                default: reader.Skip(field, wireType); break;
            }
        return new(BureauCode.Of(recipient), version, key);
    }

    private static BatchProof BatchProof(ReadOnlyMemory<byte> bytes)
    {
        var reader = new ProtoSliceReader(bytes);
        ReadOnlyMemory<byte> root = default, signature = default;
        int leafIndex = 0, batchSize = 0;
        var path = new List<ReadOnlyMemory<byte>>();
        while (reader.Next(out var field, out var wireType))
            switch (field, wireType)
            {
                case (1, ProtoSliceReader.LengthDelimited): root = reader.ReadBytes(); break;
                case (2, ProtoSliceReader.Varint): leafIndex = reader.ReadInt32(); break;
                case (3, ProtoSliceReader.Varint): batchSize = reader.ReadInt32(); break;
                case (4, ProtoSliceReader.LengthDelimited): path.Add(reader.ReadBytes()); break;
                case (5, ProtoSliceReader.LengthDelimited): signature = reader.ReadBytes(); break;
                default: reader.Skip(field, wireType); break;
            }
        return new(root, leafIndex, batchSize, path, signature);
    }

    private static KeyProof KeyProof(ReadOnlyMemory<byte> bytes)
    {
        var reader = new ProtoSliceReader(bytes);
        int index = 0, count = 0;
        var path = new List<ReadOnlyMemory<byte>>();
        while (reader.Next(out var field, out var wireType))
            switch (field, wireType)
            {
                case (1, ProtoSliceReader.Varint): index = reader.ReadInt32(); break;
                case (2, ProtoSliceReader.Varint): count = reader.ReadInt32(); break;
                case (3, ProtoSliceReader.LengthDelimited): path.Add(reader.ReadBytes()); break;
                default: reader.Skip(field, wireType); break;
            }
        return new(index, count, path);
    }

    /// <summary>A message field's occurrences: protobuf merges a second one into the first, which reads as their concatenation.</summary>
    private struct Parts
    {
        public bool Present { get; private set; }

        public ReadOnlyMemory<byte> Bytes { get; private set; }

        public void Add(ReadOnlyMemory<byte> part)
        {
            Bytes = Present ? Concat(Bytes, part) : part;
            Present = true;
        }

        private static ReadOnlyMemory<byte> Concat(ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b)
        {
            var joined = new byte[a.Length + b.Length];
            a.CopyTo(joined);
            b.CopyTo(joined.AsMemory(a.Length));
            return joined;
        }
    }
}

/// <summary>
/// Envelope headers parsed recently, by their bytes. A message to many bureaus reaches a member that hosts several of them
/// as one cut envelope for each, all with the same header (every recipient named in it): parsed once, and its canonical
/// bytes made once, for all of them.
/// </summary>
internal static class EnvelopeHeaders
{
    // Inboxes drift apart in a large fan-out: a header waits for the others' cuts until it has served them all.
    private static readonly SharedByRecipients<EnvelopeHeader> Recent = new(1024);

    public static EnvelopeHeader Of(ReadOnlyMemory<byte> bytes)
    {
        if (Recent.TryTake(bytes.Span, out var known))
            return known;
        var header = WireFormat.HeaderFromProto(P.EnvelopeHeader.Parser.ParseFrom(bytes.Span));
        // Only a header with several recipients can come again, once for each of the others.
        Recent.Keep(bytes.Span, header, header.To.Count - 1);
        return header;
    }
}
