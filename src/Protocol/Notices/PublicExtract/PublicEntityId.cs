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
