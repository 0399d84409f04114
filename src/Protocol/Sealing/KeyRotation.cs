using System.Security.Cryptography;

namespace ActorNet.Protocol.Sealing;

/// <summary>
/// The proof that a bureau's new keys come from the bureau itself: its previous signing key signs the next version's
/// public keys, so the Secretariat accepts a rotation without asking an operator again.
/// </summary>
public static class KeyRotation
{
    /// <summary>Signs <paramref name="next"/> with the signing key of <paramref name="previous"/>, the version just before it.</summary>
    public static byte[] Prove(BureauKeyRing previous, BureauPublicKeys next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        if (next.Version != previous.Version + 1)
            throw new ArgumentException($"key version {previous.Version} hands over to version {previous.Version + 1}, not {next.Version}", nameof(next));
        return previous.Sign(Canonical.Rotation(previous.PublicKeys(next.Bureau), next));
    }

    /// <summary>Whether <paramref name="proof"/> is <paramref name="previous"/>'s signature handing over to <paramref name="next"/>.</summary>
    public static bool Verify(BureauPublicKeys previous, BureauPublicKeys next, ReadOnlySpan<byte> proof)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        if (previous.Bureau != next.Bureau || next.Version != previous.Version + 1)
            return false;
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(previous.SigningKey, out _);
        return key.VerifyData(Canonical.Rotation(previous, next), proof, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
