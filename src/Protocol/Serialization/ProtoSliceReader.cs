using System.Text;

namespace ActorNet.Protocol.Serialization;

/// <summary>
/// Reads protobuf's wire format without copying: a length-delimited field comes back as a slice of the buffer.
/// Google.Protobuf copies every bytes field it parses, and a sealed envelope is mostly bytes fields (payload, keys, proofs),
/// parsed on every hop. The buffer must not change while anything read from it is in use: the bytes a serializer is handed
/// by Akka (a message from the wire, a journal row) are that serializer's own.
/// </summary>
/// <remarks>Anything malformed throws <see cref="ArgumentException"/>, which <see cref="WireFormat.Decode"/> reports as a <see cref="WireFormatException"/>.</remarks>
internal struct ProtoSliceReader(ReadOnlyMemory<byte> buffer)
{
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, StartGroup = 3, EndGroup = 4, Fixed32 = 5;

    // Protobuf's own strings are strict UTF-8 too: an invalid sequence is an error, not a replacement character.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private int _position;

    /// <summary>The next field's number and wire type; false at the end of the buffer.</summary>
    public bool Next(out int field, out int wireType)
    {
        if (_position >= buffer.Length)
        {
            (field, wireType) = (0, 0);
            return false;
        }
        // As protobuf reads a tag: a 32-bit varint (up to ten bytes, the upper ones dropped), field number 0 refused.
        var tag = (uint)ReadVarint();
        if (tag >> 3 == 0)
            throw new ArgumentException($"invalid field tag {tag} before byte {_position}");
        (field, wireType) = ((int)(tag >> 3), (int)(tag & 7));
        return true;
    }

    public ulong ReadVarint()
    {
        var span = buffer.Span;
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= span.Length)
                throw new ArgumentException("a varint runs past the end of the message");
            var b = span[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
        throw new ArgumentException("a varint longer than ten bytes");
    }

    // As protobuf reads them: int32 is the low 32 bits of the varint, int64 all of it.
    public int ReadInt32() => (int)ReadVarint();

    public long ReadInt64() => (long)ReadVarint();

    public bool ReadBool() => ReadVarint() != 0;

    public ReadOnlyMemory<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(buffer.Length - _position))
            throw new ArgumentException($"a field of {length} bytes runs past the end of the message");
        var slice = buffer.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    public string ReadString() => StrictUtf8.GetString(ReadBytes().Span);

    /// <summary>Passes over a field this reader does not take (a newer version's, or a known number with another wire type, as protobuf does).</summary>
    public void Skip(int field, int wireType)
    {
        switch (wireType)
        {
            case Varint:
                ReadVarint();
                break;
            case LengthDelimited:
                ReadBytes();
                break;
            case Fixed64:
                Advance(8);
                break;
            case Fixed32:
                Advance(4);
                break;
            case StartGroup:
                SkipGroup(field, depth: 0);
                break;
            default:
                throw new ArgumentException($"unsupported wire type {wireType}");
        }
    }

    // Groups are long deprecated and never written here, but protobuf passes over them, so a reader that must agree with it does too.
    private void SkipGroup(int field, int depth)
    {
        if (depth >= 100)
            throw new ArgumentException("groups nested too deeply");
        while (Next(out var inner, out var wireType))
        {
            if (wireType == EndGroup)
            {
                if (inner != field)
                    throw new ArgumentException($"group {field} ended by the end of group {inner}");
                return;
            }
            if (wireType == StartGroup)
                SkipGroup(inner, depth + 1);
            else
                Skip(inner, wireType);
        }
        throw new ArgumentException($"group {field} runs past the end of the message");
    }

    private void Advance(int count)
    {
        if (count > buffer.Length - _position)
            throw new ArgumentException("a fixed-size field runs past the end of the message");
        _position += count;
    }
}
