namespace ActorNet.Protocol.Notices.PublicExtract;

/// <summary>The three collections of the public extract, each with its path under <c>/notices/v1/</c>.</summary>
public sealed record PublicNoticeKind
{
    private PublicNoticeKind(string noticeType, string path) => (NoticeType, Path) = (noticeType, path);

    public static PublicNoticeKind Red { get; } = new("red", "red");
    public static PublicNoticeKind Yellow { get; } = new("yellow", "yellow");
    public static PublicNoticeKind UnPersons { get; } = new("un-special", "un/persons");

    /// <summary>The notice type it lists (as <c>POST /api/notices</c> names it).</summary>
    public string NoticeType { get; }

    /// <summary>The path after <c>/notices/v1/</c>.</summary>
    public string Path { get; }

    public override string ToString() => Path;
}
