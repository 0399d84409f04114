namespace ActorNet.Protocol.Notices;

/// <summary>A notice's id: 1 to 64 letters, digits, '-' or '_'; the same at GS and in every bureau's copy.</summary>
public sealed record NoticeId
{
    public const int MaxLength = 64;

    public NoticeId(string value) =>
        Value = IsValid(value) ? value : throw new ArgumentException($"'{value}' is not a notice id: 1 to {MaxLength} letters, digits, '-' or '_'", nameof(value));

    public string Value { get; }

    public static NoticeId New() => new(Guid.CreateVersion7().ToString("N"));

    public static bool IsValid(string? value) =>
        value is { Length: > 0 and <= MaxLength } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static bool TryParse(string? value, out NoticeId? id)
    {
        id = IsValid(value) ? new NoticeId(value!) : null;
        return id is not null;
    }

    public override string ToString() => Value;
}

/// <summary>Routes a message to the actor that owns one notice.</summary>
public interface IWithNoticeId
{
    NoticeId NoticeId { get; }
}

/// <summary>
/// Notice documents travel as ordinary sealed envelopes through the outboxes and inboxes; their envelope id says so in clear
/// (<c>ntc.&lt;notice id&gt;.&lt;operation&gt;.&lt;n&gt;</c>, signed with the header), so an inbox hands them to the notice side
/// without opening them.
/// </summary>
public static class NoticeEnvelopes
{
    public const string Prefix = "ntc.";

    public static string IdFor(NoticeId notice, string operation, string unique) => $"{Prefix}{notice.Value}.{operation}.{unique}";

    /// <summary>
    /// A fresh envelope id for one operation on a notice, sent by a bureau's node: unique by a message id's random digits, not
    /// its time alone, since two operations on one notice can be sealed in the same millisecond and an inbox drops an id it
    /// has seen as a replay. At most 114 characters (a 64-character notice id, the longest operation, 32 digits).
    /// </summary>
    public static string NewIdFor(NoticeId notice, string operation) => IdFor(notice, operation, Messaging.MessageIds.New());

    public static bool Owns(string envelopeId) => envelopeId.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The notice an envelope is about, or null when the id is not a notice envelope's.</summary>
    public static NoticeId? NoticeOf(string envelopeId)
    {
        if (!Owns(envelopeId))
            return null;
        var rest = envelopeId.AsSpan(Prefix.Length);
        var dot = rest.IndexOf('.');
        return dot > 0 && NoticeId.TryParse(rest[..dot].ToString(), out var id) ? id : null;
    }
}
