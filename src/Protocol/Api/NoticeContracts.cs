namespace ActorNet.Protocol.Api;

// The JSON shapes of notices and diffusions on the node's HTTP API (camelCase on the wire), shared with the CLI.

/// <summary>Who a notice is about, as a request writes it and the API shows it. <c>dateOfBirth</c> is YYYY, YYYY-MM or YYYY-MM-DD.</summary>
public sealed record NoticeSubjectBody(
    string? Name = null,
    string? Forename = null,
    IReadOnlyList<string>? Aliases = null,
    IReadOnlyList<string>? OriginalScriptNames = null,
    string? DateOfBirth = null,
    string? Sex = null,
    IReadOnlyList<string>? Nationalities = null,
    string? PlaceOfBirth = null,
    string? Description = null);

/// <summary>The arrest warrant or court decision of a red notice; dates are YYYY-MM-DD.</summary>
public sealed record WarrantBody(string? IssuedBy = null, string? Date = null, string? Charge = null, string? ExpiresOn = null);

/// <summary>
/// <c>POST /api/notices</c> and <c>POST /api/diffusions</c> (which also takes <paramref name="To"/>); <c>PUT /api/notices/{id}</c> for an update.
/// </summary>
public sealed record NoticeRequest(
    string? Type = null,
    NoticeSubjectBody? Subject = null,
    string? Offence = null,
    WarrantBody? Warrant = null,
    string? Details = null,
    string? SanctionsReference = null,
    IReadOnlyList<string>? Attachments = null,
    IReadOnlyList<string>? RestrictedFrom = null,
    bool? Public = null,
    IReadOnlyList<string>? To = null);

/// <summary>One finding of the automatic compliance check: <paramref name="Code"/> is missing-identifiers, article-3, minor-offence or expired-warrant.</summary>
public sealed record ComplianceFindingInfo(string Code, string Field, string Detail);

/// <summary>202 to a notice request or a diffusion: its id, its state, and what the compliance check found.</summary>
public sealed record NoticeAccepted(string Id, string State, IReadOnlyList<ComplianceFindingInfo> Findings);

/// <summary><c>POST /api/notices/{id}/review</c>: <paramref name="Decision"/> is approve or reject.</summary>
public sealed record ReviewRequest(string? Decision, string? Reason);

/// <summary><c>POST /api/notices/{id}/cancel</c>.</summary>
public sealed record CancelRequest(string? Reason);

/// <summary>The answer to a review, a cancellation or an update: the notice's state afterwards.</summary>
public sealed record NoticeDecision(string Id, string State);

/// <summary>One step of a notice's life as GS recorded it.</summary>
public sealed record NoticeHistoryInfo(string What, string By, string? Reason, DateTimeOffset At);

/// <summary>One notice as <c>GET /api/notices</c> lists it.</summary>
/// <param name="Kind"><c>notice</c> or <c>diffusion</c>.</param>
public sealed record NoticeSummaryInfo(
    string Id, string Kind, string Type, string State, string RequestedBy, string? Name, string? Forename, string? DateOfBirth,
    IReadOnlyList<string> Nationalities, DateTimeOffset UpdatedAt);

/// <summary>
/// <c>GET /api/notices/{id}</c>: the notice as this bureau holds it. <paramref name="Findings"/> and <paramref name="History"/> come with it
/// on a GS node (and findings on the requesting bureau's node).
/// </summary>
public sealed record NoticeInfo(
    string Id,
    string Kind,
    string Type,
    string State,
    string RequestedBy,
    NoticeSubjectBody Subject,
    string? Offence,
    WarrantBody? Warrant,
    string? Details,
    string? SanctionsReference,
    IReadOnlyList<string> Attachments,
    IReadOnlyList<string> RestrictedFrom,
    bool Public,
    IReadOnlyList<string> To,
    string? Reason,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<ComplianceFindingInfo>? Findings = null,
    IReadOnlyList<NoticeHistoryInfo>? History = null);

/// <summary>Notice states as the API shows them.</summary>
public static class NoticeStates
{
    public const string PendingReview = "pending-review";
    public const string Published = "published";
    public const string Rejected = "rejected";
    public const string Cancelled = "cancelled";

    /// <summary>A diffusion as its recipients hold it: sent straight by a bureau, reviewed by GS afterwards, if at all.</summary>
    public const string Circulated = "circulated";

    /// <summary>A diffusion GS rejected: taken back from its recipients, who no longer list it.</summary>
    public const string Withdrawn = "withdrawn";

    public static IReadOnlyList<string> All { get; } = [PendingReview, Published, Rejected, Cancelled, Circulated, Withdrawn];
}

public static class NoticeKinds
{
    public const string Notice = "notice";
    public const string Diffusion = "diffusion";
}
