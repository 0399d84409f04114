namespace ActorNet.Protocol.Notices;

/// <summary>
/// What one sealed notice envelope says: a request, a publication, an update, a diffusion or a change of state, about one notice.
/// Only its readers ever see it in clear; the operation, kind, type and state are also kept in clear beside the sealed bytes.
/// </summary>
/// <param name="RequestedBy">The bureau that asked for the notice, or sent the diffusion.</param>
/// <param name="RestrictedFrom">Only in a request: the bureaus that must never receive the notice.</param>
/// <param name="To">Only in a diffusion: the bureaus it goes to.</param>
/// <param name="Content">Present in requests, publications, updates and diffusions; absent in a change of state.</param>
/// <param name="Findings">The compliance findings as the requesting bureau computed them (requests) or GS did (publications).</param>
public sealed record NoticeDocument(
    string Operation,
    NoticeId NoticeId,
    string Kind,
    BureauCode RequestedBy,
    string State,
    string? Reason,
    NoticeContent? Content,
    IReadOnlyList<BureauCode> RestrictedFrom,
    bool Public,
    IReadOnlyList<BureauCode> To,
    IReadOnlyList<ComplianceFinding> Findings,
    DateTimeOffset At)
{
    public const string Request = "request";
    public const string Publish = "publish";
    public const string Update = "update";
    public const string Diffusion = "diffusion";
    public const string StateChange = "state";

    public static IReadOnlyList<string> Operations { get; } = [Request, Publish, Update, Diffusion, StateChange];

    /// <summary>Operations only the General Secretariat may send.</summary>
    public bool IsSecretariatOnly => Operation is Publish or Update || Operation == StateChange && State != Api.NoticeStates.Cancelled;
}
