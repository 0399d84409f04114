namespace ActorNet.Protocol.Api;

// The JSON shapes of the node's HTTP API (camelCase on the wire), shared with the CLI.

/// <summary>One cluster member as <c>GET /api/cluster/members</c> lists it.</summary>
public sealed record MemberInfo(
    string Address,
    string Status,
    IReadOnlyList<string> Roles,
    string? Bureau,
    bool Reachable,
    string AppVersion,
    bool IsLeader,
    bool IsSelf);

public sealed record AddressRequest(string? Address);

public sealed record AcceptedResponse(string Status, string? Address);

/// <summary>One bureau as <c>GET /api/bureaus</c> lists it.</summary>
public sealed record BureauInfo(string Code, bool Online, string? Fingerprint, DateTimeOffset EnrolledAt, DateTimeOffset LastSeen);

public sealed record BureauProfileInfo(
    string Code,
    DateTimeOffset EstablishedAt,
    string? DisplayName,
    string? ContactEmail,
    int NodeStarts,
    DateTimeOffset? LastNodeStartAt);

public sealed record BureauSettingsRequest(string? DisplayName, string? ContactEmail);

public sealed record TokenRequest(string? Role);

public sealed record TokenCreated(string Id, string Role, string Token, DateTimeOffset CreatedAt);

/// <summary>A membership change as <c>GET /api/cluster/events</c> streams it.</summary>
public sealed record ClusterEventInfo(string Type, string Address, string Status, IReadOnlyList<string> Roles, DateTimeOffset At);

public static class Roles
{
    public const string Admin = "admin";
    public const string Officer = "officer";
    public const string Reviewer = "reviewer";
    public const string Coordinator = "coordinator";

    public static IReadOnlyList<string> All { get; } = [Admin, Officer, Reviewer, Coordinator];
}

/// <summary><c>POST /api/messages</c>: a sealed message from this node's bureau.</summary>
public sealed record SendMessageRequest(IReadOnlyList<string>? To, string? Subject, string? Body, string? HandlingCode, string? CaseId, bool? ForwardingAllowed);

public sealed record MessageAccepted(string Id);

/// <summary><c>POST /api/messages/batch</c>: the ids of the messages accepted, in the order they were sent.</summary>
public sealed record MessagesAccepted(IReadOnlyList<string> Ids);

/// <summary><c>POST /api/messages/{id}/forward</c>: passes a received message on, sealed anew, if its handling code allows.</summary>
public sealed record ForwardRequest(IReadOnlyList<string>? To);

/// <summary><c>GET /api/messages/{id}</c>: the sender's view, with each recipient's state (queued, delivered, read).</summary>
public sealed record MessageStatusInfo(string Id, string From, IReadOnlyList<string> To, IReadOnlyDictionary<string, string> Recipients, DateTimeOffset SentAt);

/// <summary>One opened message in <c>GET /api/messages/inbox</c>.</summary>
public sealed record InboxMessage(string Id, string From, string Subject, string Body, string HandlingCode, string? CaseId, DateTimeOffset SentAt, DateTimeOffset ReceivedAt);

/// <summary>One event of <c>GET /api/events</c>: <paramref name="Type"/> is the SSE event name (message, notice, hit, operation).</summary>
public sealed record LiveEvent(string Type, string Id, string From, DateTimeOffset At);
