using System.Text;

namespace ActorNet.Protocol.Sealing;

/// <summary>The sealed part of a message: only its recipients ever see it in clear.</summary>
public sealed record MessagePayload(string Subject, string Body, IReadOnlyList<Attachment> Attachments)
{
    /// <summary>The body and the attachments together, in bytes: the same limit as an HTTP request.</summary>
    public const int MaxContentBytes = 1024 * 1024;

    public const int MaxSubjectLength = 1000;

    public string Subject { get; } = Subject is { Length: <= MaxSubjectLength }
        ? Subject
        : throw new ArgumentException($"a subject is at most {MaxSubjectLength} characters", nameof(Subject));

    public string Body { get; } = Body ?? throw new ArgumentNullException(nameof(Body));

    public IReadOnlyList<Attachment> Attachments { get; } =
        Attachments?.ToArray() is { } list && list.All(a => a is not null)
            ? list
            : throw new ArgumentException("attachments must be a list without gaps", nameof(Attachments));

    /// <summary>UTF-8 bytes of the body plus the bytes of every attachment.</summary>
    public long ContentBytes { get; } = CheckedSize(Body, Attachments);

    public MessagePayload(string subject, string body) : this(subject, body, []) { }

    private static long CheckedSize(string body, IReadOnlyList<Attachment>? attachments)
    {
        var size = (long)Encoding.UTF8.GetByteCount(body ?? "") + (attachments ?? []).Sum(a => (long)(a?.Content.Length ?? 0));
        return size <= MaxContentBytes ? size : throw new PayloadTooLargeException(size);
    }
}

/// <summary>A file sent with a message.</summary>
public sealed record Attachment(string Name, string ContentType, ReadOnlyMemory<byte> Content)
{
    public string Name { get; } = Name is { Length: > 0 and <= 255 } && !Name.Any(c => char.IsControl(c) || c is '/' or '\\')
        ? Name
        : throw new ArgumentException("an attachment name is 1 to 255 characters, without slashes", nameof(Name));

    public string ContentType { get; } = ContentType is { Length: > 0 and <= 127 } && ContentType.Contains('/')
        ? ContentType
        : throw new ArgumentException($"'{ContentType}' is not a content type such as application/pdf", nameof(ContentType));
}

/// <summary>A message's body and attachments exceed <see cref="MessagePayload.MaxContentBytes"/>.</summary>
public sealed class PayloadTooLargeException(long size)
    : Exception($"A message's body and attachments are {size} bytes; at most {MessagePayload.MaxContentBytes} (1 MiB) are allowed")
{
    public long Size { get; } = size;
}
