using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorNet.Protocol.Notices.PublicExtract;

/// <summary>
/// A notice's id in the public extract: <c>2026/12345</c> in <c>entity_id</c>, <c>2026-12345</c> in URLs
/// (INTERPOL's convention: a year, then a number).
/// </summary>
public static partial class PublicEntityId
{
    [GeneratedRegex(@"^\d{4}/\d{1,10}$", RegexOptions.CultureInvariant)]
    private static partial Regex EntityIdForm();

    [GeneratedRegex(@"^\d{4}-\d{1,10}$", RegexOptions.CultureInvariant)]
    private static partial Regex UrlForm();

    /// <summary>
    /// The entity id every node gives <paramref name="notice"/>, from its id alone: the year its id was made in (notice ids are
    /// version 7 GUIDs, which carry their creation time), then ten digits of a hash of the id.
    /// </summary>
    /// <remarks>
    /// No coordination between nodes, at the price of a chance of two notices sharing an id: about n²/2·10¹⁰ for n public
    /// notices in one year (one in two hundred for 10,000). The copies keep the first one that claims an id and log the other.
    /// </remarks>
    public static string For(NoticeId notice)
    {
        var year = Guid.TryParseExact(notice.Value, "N", out var guid) && guid.Version == 7
            ? DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(notice.Value[..12], 16)).Year
            : 0;
        var hash = BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(notice.Value)));
        return $"{year:D4}/{hash % 10_000_000_000UL:D10}";
    }

    public static bool IsValid(string? entityId) => entityId is not null && EntityIdForm().IsMatch(entityId);

    /// <summary><c>2026/12345</c> → <c>2026-12345</c>.</summary>
    public static string ToUrl(string entityId) =>
        IsValid(entityId) ? entityId.Replace('/', '-') : throw new ArgumentException($"'{entityId}' is not an entity id: write YYYY/NNNNN", nameof(entityId));

    /// <summary><c>2026-12345</c> (from a URL) → <c>2026/12345</c>; false for anything else, which the service answers 404.</summary>
    public static bool TryFromUrl(string? noticeId, out string entityId)
    {
        entityId = "";
        if (noticeId is null || !UrlForm().IsMatch(noticeId))
            return false;
        entityId = noticeId.Replace('-', '/');
        return true;
    }
}
