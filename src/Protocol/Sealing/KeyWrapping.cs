using System.Security.Cryptography;

namespace ActorNet.Protocol.Sealing;

/// <summary>
/// The key-wrapping keys of one (sender, recipient) pair, derived alike by the sealer and the opener from their pairwise
/// secret: for one envelope (HKDF salted with its id) or for a whole batch (salted with its <see cref="SealedEnvelope.WrapSalt"/>).
/// The HKDF info names sender, recipient and both key versions, under a label for each way, so a key fits nowhere else.
/// </summary>
internal static class KeyWrapping
{
    /// <summary>
    /// The key that wraps one envelope's content key alone, into <paramref name="kek"/>; <paramref name="envelopeSalt"/> is
    /// <see cref="Canonical.WrapSalt"/> of its id, made once for all its recipients.
    /// </summary>
    public static void ForEnvelope(byte[] secret, ReadOnlySpan<byte> envelopeSalt, BureauCode from, int senderKeyVersion, BureauCode to, int recipientKeyVersion, Span<byte> kek) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, kek, envelopeSalt, Canonical.WrapInfo(from, senderKeyVersion, to, recipientKeyVersion));

    /// <summary>The key that wraps the content keys of a batch salted with <paramref name="salt"/>, loaded for many wraps (the caller disposes it).</summary>
    public static AesGcm ForBatch(byte[] secret, ReadOnlySpan<byte> salt, BureauCode from, int senderKeyVersion, BureauCode to, int recipientKeyVersion)
    {
        Span<byte> kek = stackalloc byte[Aead.KeySize];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, kek, salt, Canonical.BatchWrapInfo(from, senderKeyVersion, to, recipientKeyVersion));
            return new AesGcm(kek, Aead.TagSize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }
}
