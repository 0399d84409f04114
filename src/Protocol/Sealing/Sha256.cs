using System.Security.Cryptography;

namespace ActorNet.Protocol.Sealing;

/// <summary>
/// SHA-256 of the small inputs sealing and opening hash by the dozen (Merkle leaves and nodes, key leaves, headers, envelope
/// digests), through one reusable hash a thread. <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> makes and
/// frees an OpenSSL context and looks the algorithm up on every call: a quarter more than hashing 65 bytes itself, and a lock
/// shared by every thread (docs/benchmarks.md, session 13).
/// </summary>
internal static class Sha256
{
    [ThreadStatic] private static IncrementalHash? reusable;

    /// <summary>
    /// The thread's hash, for a digest in several parts: end it with <see cref="IncrementalHash.GetHashAndReset(Span{byte})"/>,
    /// or <see cref="Discard"/> it if a part fails. Nothing else may hash on this thread in between.
    /// </summary>
    public static IncrementalHash ThisThread => reusable ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Drops the thread's hash after a failure: half a digest must not leak into the next one.</summary>
    public static void Discard()
    {
        reusable?.Dispose();
        reusable = null;
    }

    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var digest = new byte[SHA256.HashSizeInBytes];
        Hash(data, digest);
        return digest;
    }

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var hash = ThisThread;
        try
        {
            hash.AppendData(data);
            hash.GetHashAndReset(destination);
        }
        catch
        {
            Discard();
            throw;
        }
    }
}
