using System.Security.Cryptography;

namespace ActorNet.Protocol.Sealing;

/// <summary>
/// SHA-256 of the small inputs sealing and opening hash by the dozen (Merkle leaves and nodes, key leaves, headers), through
/// one reusable hash a thread. <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> makes and frees an OpenSSL
/// context and looks the algorithm up on every call: a quarter more than hashing 65 bytes itself, and a lock shared by every
/// thread (docs/benchmarks.md, session 13).
/// </summary>
internal static class Sha256
{
    public const int Size = SHA256.HashSizeInBytes;

    [ThreadStatic] private static IncrementalHash? reusable;

    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var digest = new byte[Size];
        Hash(data, digest);
        return digest;
    }

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var hash = reusable ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            hash.AppendData(data);
            hash.GetHashAndReset(destination);
        }
        catch
        {
            // Half a hash must not leak into the next one.
            hash.Dispose();
            reusable = null;
            throw;
        }
    }
}
