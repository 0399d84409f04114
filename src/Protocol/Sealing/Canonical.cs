using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ActorNet.Protocol.Sealing;

/// <summary>
/// The exact bytes that are signed, bound as associated data or fed to HKDF: length-prefixed, big-endian, each with its own label.
/// Never protobuf, whose encoding is not guaranteed to be unique. Changing any of these breaks every envelope at rest.
/// </summary>
internal static class Canonical
{
    private const string HeaderLabel = "actornet/v1/envelope-header";
    private const string DigestLabel = "actornet/v1/envelope-digest";
    private const string WrapLabel = "actornet/v1/key-wrap";
    private const string BatchLabel = "actornet/v1/sealed-batch";
    private const string EndorsementLabel = "actornet/v1/directory-endorsement";
    private const string RotationLabel = "actornet/v1/key-rotation";
    private const string DigestV2Label = "actornet/v2/envelope-digest";
    private const string KeyLeafLabel = "actornet/v2/wrapped-key";
    private const string BatchWrapLabel = "actornet/v3/batch-key-wrap";
    private const string WrapSaltLabel = "actornet/v3/wrap-salt";

    /// <summary>The header's canonical bytes, made once a header object (<see cref="EnvelopeHeader.CanonicalBytes"/>). Callers only read them.</summary>
    public static byte[] Header(EnvelopeHeader header) => header.CanonicalBytes;

    internal static byte[] MakeHeader(EnvelopeHeader header)
    {
        var w = new Writer();
        w.String(HeaderLabel);
        w.String(header.Id);
        w.String(header.From.Value);
        w.Int32(header.To.Count);
        foreach (var to in header.To)
            w.String(to.Value);
        w.Int64(header.SentAt.ToUnixTimeMilliseconds());
        w.Int32((int)header.HandlingCode);
        w.Bool(header.CaseId is not null);
        w.String(header.CaseId ?? "");
        w.Int32(header.SenderKeyVersion);
        w.Bool(header.ForwardingAllowed);
        return w.ToArray();
    }

    /// <summary>The HKDF info of one key wrap: sender, recipient and both key versions, so a wrapped key fits nowhere else.</summary>
    public static byte[] WrapInfo(BureauCode from, int senderKeyVersion, BureauCode to, int recipientKeyVersion) =>
        WrapInfo(WrapLabel, from, senderKeyVersion, to, recipientKeyVersion);

    /// <summary>
    /// The HKDF info of a key-wrapping key made once a batch (salted with the envelope's <see cref="SealedEnvelope.WrapSalt"/>):
    /// as <see cref="WrapInfo(BureauCode, int, BureauCode, int)"/> under a label of its own, so the two ways never share a key.
    /// </summary>
    public static byte[] BatchWrapInfo(BureauCode from, int senderKeyVersion, BureauCode to, int recipientKeyVersion) =>
        WrapInfo(BatchWrapLabel, from, senderKeyVersion, to, recipientKeyVersion);

    private static byte[] WrapInfo(string label, BureauCode from, int senderKeyVersion, BureauCode to, int recipientKeyVersion)
    {
        var w = new Writer();
        w.String(label);
        w.String(from.Value);
        w.Int32(senderKeyVersion);
        w.String(to.Value);
        w.Int32(recipientKeyVersion);
        return w.ToArray();
    }

    public static byte[] WrapSalt(string envelopeId) => Encoding.UTF8.GetBytes(envelopeId);

    /// <summary>
    /// An envelope's leaf in its batch: SHA-256 over canonical header ‖ payload ciphertext ‖ wrapped keys ‖ the wrap salt
    /// where there is one (an envelope without one hashes as before there were any).
    /// </summary>
    public static byte[] Digest(ReadOnlySpan<byte> canonicalHeader, ReadOnlySpan<byte> payload, IReadOnlyList<WrappedKey> keys, ReadOnlyMemory<byte> wrapSalt)
    {
        var digest = new byte[SHA256.HashSizeInBytes];
        Digest(canonicalHeader, payload, keys, wrapSalt, digest);
        return digest;
    }

    /// <summary>The same, written into <paramref name="digest"/> (32 bytes).</summary>
    public static void Digest(ReadOnlySpan<byte> canonicalHeader, ReadOnlySpan<byte> payload, IReadOnlyList<WrappedKey> keys, ReadOnlyMemory<byte> wrapSalt, Span<byte> digest) =>
        EnvelopeHash(DigestLabel, canonicalHeader, payload, digest, w =>
        {
            w.Int32(keys.Count);
            foreach (var key in keys)
            {
                w.String(key.Recipient.Value);
                w.Int32(key.RecipientKeyVersion);
                w.Bytes(key.Key.Span);
            }
            Salt(w, wrapSalt);
        });

    private static void Salt(Writer w, ReadOnlyMemory<byte> wrapSalt)
    {
        if (wrapSalt.IsEmpty)
            return;
        w.String(WrapSaltLabel);
        w.Bytes(wrapSalt.Span);
    }

    /// <summary>
    /// An envelope's second leaf (v2): as <see cref="Digest(ReadOnlySpan{byte}, ReadOnlySpan{byte}, IReadOnlyList{WrappedKey}, ReadOnlyMemory{byte}, Span{byte})"/>,
    /// but its wrapped keys enter only through the Merkle root of their <see cref="KeyDigest"/>s, so a recipient given its
    /// own key and that key's path can check it without the others.
    /// </summary>
    public static void DigestV2(ReadOnlySpan<byte> canonicalHeader, ReadOnlySpan<byte> payload, int keyCount, byte[] keysRoot, ReadOnlyMemory<byte> wrapSalt, Span<byte> digest) =>
        EnvelopeHash(DigestV2Label, canonicalHeader, payload, digest, w =>
        {
            w.Int32(keyCount);
            w.Bytes(keysRoot);
            Salt(w, wrapSalt);
        });

    private static void EnvelopeHash(string label, ReadOnlySpan<byte> canonicalHeader, ReadOnlySpan<byte> payload, Span<byte> digest, Action<Writer> keys)
    {
        // The thread's hash and one writer a thread, reset after each digest: creating them costs more OpenSSL calls than the hashing of a small envelope.
        var hash = Sha256.ThisThread;
        var w = digestWriter ??= new Writer();
        try
        {
            w.String(label);
            w.Int32(canonicalHeader.Length);
            w.AppendTo(hash);
            hash.AppendData(canonicalHeader);
            w.Int32(payload.Length);
            w.AppendTo(hash);
            hash.AppendData(payload);
            keys(w);
            w.AppendTo(hash);
            hash.GetHashAndReset(digest);
        }
        catch
        {
            // Half a digest must not leak into the next one.
            Sha256.Discard();
            digestWriter = null;
            throw;
        }
    }

    /// <summary>One wrapped key's leaf among its envelope's keys (v2).</summary>
    public static byte[] KeyDigest(WrappedKey key)
    {
        // One per recipient when sealing or cutting for many: a writer a thread, as for the envelope digest.
        var w = keyWriter ??= new Writer();
        w.Reset();
        w.String(KeyLeafLabel);
        w.String(key.Recipient.Value);
        w.Int32(key.RecipientKeyVersion);
        w.Bytes(key.Key.Span);
        return Sha256.Hash(w.Written);
    }

    [ThreadStatic] private static Writer? keyWriter;

    [ThreadStatic] private static Writer? digestWriter;

    /// <summary>What the batch signature covers: the sender and its key version, then the Merkle root.</summary>
    public static byte[] BatchToSign(BureauCode from, int senderKeyVersion, ReadOnlySpan<byte> root)
    {
        var w = new Writer();
        w.String(BatchLabel);
        w.String(from.Value);
        w.Int32(senderKeyVersion);
        w.Bytes(root);
        return w.ToArray();
    }

    /// <summary>What GS signs when it endorses one version of a bureau's keys: the bureau, the version, both keys, and when.</summary>
    public static byte[] Endorsement(BureauPublicKeys keys, DateTimeOffset at)
    {
        var w = new Writer();
        w.String(EndorsementLabel);
        w.String(keys.Bureau.Value);
        w.Int32(keys.Version);
        w.Bytes(keys.SigningKey);
        w.Bytes(keys.AgreementKey);
        w.Int64(at.ToUnixTimeMilliseconds());
        return w.ToArray();
    }

    /// <summary>What a bureau's previous signing key signs when it hands over to the next version of its keys.</summary>
    public static byte[] Rotation(BureauPublicKeys previous, BureauPublicKeys next)
    {
        var w = new Writer();
        w.String(RotationLabel);
        w.String(next.Bureau.Value);
        w.Int32(previous.Version);
        w.Bytes(previous.SigningKey);
        w.Int32(next.Version);
        w.Bytes(next.SigningKey);
        w.Bytes(next.AgreementKey);
        return w.ToArray();
    }

    private sealed class Writer
    {
        private readonly ArrayBufferWriter<byte> buffer = new(256);

        public void Int32(int value)
        {
            BinaryPrimitives.WriteInt32BigEndian(buffer.GetSpan(4), value);
            buffer.Advance(4);
        }

        public void Int64(long value)
        {
            BinaryPrimitives.WriteInt64BigEndian(buffer.GetSpan(8), value);
            buffer.Advance(8);
        }

        public void Bool(bool value)
        {
            buffer.GetSpan(1)[0] = value ? (byte)1 : (byte)0;
            buffer.Advance(1);
        }

        public void String(string value)
        {
            var length = Encoding.UTF8.GetByteCount(value);
            Int32(length);
            Encoding.UTF8.GetBytes(value, buffer.GetSpan(length));
            buffer.Advance(length);
        }

        public void Bytes(ReadOnlySpan<byte> value)
        {
            Int32(value.Length);
            buffer.Write(value);
        }

        public byte[] ToArray() => buffer.WrittenSpan.ToArray();

        public ReadOnlySpan<byte> Written => buffer.WrittenSpan;

        public void Reset() => buffer.ResetWrittenCount();

        /// <summary>Hashes what was written so far and starts again.</summary>
        public void AppendTo(IncrementalHash hash)
        {
            hash.AppendData(buffer.WrittenSpan);
            buffer.ResetWrittenCount();
        }
    }
}
