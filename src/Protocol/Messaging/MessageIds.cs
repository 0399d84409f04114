using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ActorNet.Protocol.Messaging;

/// <summary>
/// The ids the node gives what it sends: time-ordered UUIDs (RFC 9562 version 7) written as 32 lowercase hex digits, as
/// <c>Guid.CreateVersion7().ToString("N")</c> writes them. Made here rather than by <c>Guid.CreateVersion7</c>, which on
/// Linux reads the kernel's random source once a GUID (a system call each, 2 % of a sending node's CPU in a batch run):
/// the random bits come from the same source, <see cref="RandomNumberGenerator"/>, a kilobyte at a time.
/// </summary>
public static class MessageIds
{
    // 74 random bits an id (12 in rand_a, 62 in rand_b): ten bytes, six of whose bits the version and variant overwrite.
    private const int RandomBytesEach = 10;
    private const int BufferBytes = 1000;

    [ThreadStatic] private static byte[]? t_random;
    [ThreadStatic] private static int t_used;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>A new id, timed now.</summary>
    public static string New() => New(DateTimeOffset.UtcNow);

    /// <summary>A new id whose first 48 bits are <paramref name="at"/> in Unix milliseconds.</summary>
    public static string New(DateTimeOffset at)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, at.ToUnixTimeMilliseconds() << 16);
        TakeRandom(bytes[6..]);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F)); // version 7
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F)); // the RFC's variant, binary 10
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>
    /// The GUID an id spells when it is written exactly as <c>ToString("N")</c> writes that GUID back (32 lowercase hex
    /// digits): then the GUID alone can stand for the id. Any other id, uppercase digits included, is false.
    /// </summary>
    public static bool TryParse(string id, out Guid guid)
    {
        guid = default;
        if (id.Length != 32 || id.AsSpan().ContainsAnyExcept(LowerHex))
            return false;
        Span<byte> bytes = stackalloc byte[16];
        Convert.FromHexString(id, bytes, out _, out _);
        guid = new Guid(bytes, bigEndian: true);
        return true;
    }

    private static void TakeRandom(Span<byte> into)
    {
        var random = t_random;
        if (random is null || t_used + RandomBytesEach > random.Length)
        {
            random = t_random ??= new byte[BufferBytes];
            RandomNumberGenerator.Fill(random);
            t_used = 0;
        }
        var taken = random.AsSpan(t_used, RandomBytesEach);
        taken.CopyTo(into);
        taken.Clear(); // each random byte goes into one id only, and does not stay in memory once used
        t_used += RandomBytesEach;
    }
}
