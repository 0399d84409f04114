using System.Security.Cryptography;

namespace ActorNet.Protocol.Sealing;

/// <summary>AES-256-GCM with a random 96-bit nonce carried in front of the ciphertext and the 128-bit tag behind it.</summary>
internal static class Aead
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int Overhead = NonceSize + TagSize;

    /// <param name="nonce">Random, <see cref="NonceSize"/> bytes: the caller draws them in bulk, since each call to the generator costs more than a small encryption.</param>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        // Random nonces, although content keys are fresh: a repeated envelope id must not repeat a key-wrapping (key, nonce)
        // pair, and a key-wrapping key made once a batch wraps many keys.
        using var aes = new AesGcm(key, TagSize);
        return Seal(aes, nonce, plaintext, associatedData);
    }

    /// <summary>As <see cref="Seal(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> under a key already loaded, for many small encryptions under one key.</summary>
    public static byte[] Seal(AesGcm aes, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        if (nonce.Length != NonceSize)
            throw new ArgumentException($"a nonce is {NonceSize} bytes", nameof(nonce));
        var sealedBytes = new byte[Overhead + plaintext.Length];
        nonce.CopyTo(sealedBytes);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize, plaintext.Length), sealedBytes.AsSpan(NonceSize + plaintext.Length), associatedData);
        return sealedBytes;
    }

    /// <summary>Writes the plaintext into <paramref name="plaintext"/>, which is <c>sealed length - Overhead</c> long.</summary>
    /// <returns>false when the tag does not match: wrong key, or altered bytes.</returns>
    public static bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        if (sealedBytes.Length < Overhead || plaintext.Length != sealedBytes.Length - Overhead)
            return false;
        using var aes = new AesGcm(key, TagSize);
        return TryOpen(aes, sealedBytes, associatedData, plaintext);
    }

    /// <summary>As <see cref="TryOpen(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/> under a key already loaded.</summary>
    public static bool TryOpen(AesGcm aes, ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        if (sealedBytes.Length < Overhead || plaintext.Length != sealedBytes.Length - Overhead)
            return false;
        try
        {
            aes.Decrypt(sealedBytes[..NonceSize], sealedBytes[NonceSize..^TagSize], sealedBytes[^TagSize..], plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }
}
