using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Sealing;

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
/// <param name="Status"><c>pending</c> until an operator approves the bureau (its keys are not used before), then <c>approved</c>.</param>
/// <param name="KeyVersion">The version of its current keys, whose signing key <paramref name="Fingerprint"/> names; null before it enrols keys.</param>
public sealed record BureauInfo(string Code, bool Online, string? Fingerprint, DateTimeOffset EnrolledAt, DateTimeOffset LastSeen,
    string Status = "pending", int? KeyVersion = null, DateTimeOffset? ApprovedAt = null);

/// <summary><c>POST /api/bureaus/{code}/approve</c>: the bureau is approved; <paramref name="AlreadyApproved"/> when it was before this call.</summary>
public sealed record BureauApproval(string Code, string Status, DateTimeOffset ApprovedAt, bool AlreadyApproved, string? Fingerprint);

/// <summary><c>POST /api/bureau/rotate-keys</c>: the bureau's new keys; <paramref name="Listed"/> once the Secretariat's directory lists them.</summary>
public sealed record KeyRotationInfo(string Code, int KeyVersion, string Fingerprint, int PreviousKeyVersion, string PreviousFingerprint, bool Listed)
{
    /// <summary>How long the node waits for the directory to list the new keys before it answers 202 (not listed yet).</summary>
    public static readonly TimeSpan ListingWait = TimeSpan.FromSeconds(10);
}


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
public sealed record SendMessageRequest(
    IReadOnlyList<string>? To,
    string? Subject,
    string? Body,
    string? HandlingCode,
    string? CaseId,
    bool? ForwardingAllowed,
    IReadOnlyList<AttachmentUpload?>? Attachments = null);

/// <summary>A file sent with a message: <paramref name="Data"/> is its bytes in base64; the content type defaults to application/octet-stream.</summary>
public sealed record AttachmentUpload(string? Name, string? ContentType, string? Data);

/// <summary>One attachment of a received message, as the inbox lists it; its bytes are at <c>GET /api/messages/{id}/attachments/{index}</c>.</summary>
public sealed record AttachmentInfo(int Index, string Name, string ContentType, long Size);

public sealed record MessageAccepted(string Id);

/// <summary><c>POST /api/messages/batch</c>: the ids of the messages accepted, in the order they were sent.</summary>
public sealed record MessagesAccepted(IReadOnlyList<string> Ids);

/// <summary><c>POST /api/messages/{id}/forward</c>: passes a received message on, sealed anew, if its handling code allows.</summary>
public sealed record ForwardRequest(IReadOnlyList<string>? To);

/// <summary><c>GET /api/messages/{id}</c>: the sender's view, with each recipient's state (queued, delivered, read).</summary>
public sealed record MessageStatusInfo(string Id, string From, IReadOnlyList<string> To, IReadOnlyDictionary<string, string> Recipients, DateTimeOffset SentAt);

/// <summary>One received message in <c>GET /api/messages/inbox</c>, <c>GET /api/messages/inbox/{id}</c> and the full message events.</summary>
/// <param name="Unreadable">
/// Set when this node cannot open the message for its reader (subject and body are then empty), saying why: the inbox admitted
/// it, but its payload does not decode (only its sender could have sealed that), or a key it needs is no longer held.
/// </param>
public sealed record InboxMessage(
    string Id,
    string From,
    string Subject,
    string Body,
    string HandlingCode,
    string? CaseId,
    DateTimeOffset SentAt,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<AttachmentInfo>? Attachments = null,
    string? Unreadable = null)
{
    /// <summary>A received message as its reader sees it, from the inbox's record of it and this node's opening of it.</summary>
    public static InboxMessage Of(InboxEvents.Received arrival, OpenResult opened)
    {
        var h = opened.Header;
        var payload = opened.IsOpened ? opened.Payload : null;
        return new InboxMessage(arrival.Id, arrival.From.Value, payload?.Subject ?? "", payload?.Body ?? "", h.HandlingCode.ToString(), h.CaseId,
            h.SentAt, arrival.At, payload?.Attachments.Select((a, i) => new AttachmentInfo(i, a.Name, a.ContentType, a.Content.Length)).ToArray() ?? [],
            opened.IsOpened ? null : $"{opened.Outcome}: {opened.Reason}");
    }
}

/// <summary>One event of <c>GET /api/events</c>: <paramref name="Type"/> is the SSE event name (message, notice, hit, operation).</summary>
public sealed record LiveEvent(string Type, string Id, string From, DateTimeOffset At);

/// <summary>One actor of <c>GET /api/actors</c>: its path and, down to the depth asked, its children (as pbm's <c>actor hierarchy</c>).</summary>
public sealed record ActorNodeInfo(string Path, IReadOnlyList<ActorNodeInfo> Children, bool ChildrenCut);

/// <summary><c>GET /api/sharding/{region}/stats</c>: shards and entities per node, as pbm's <c>sharding region-stats</c>.</summary>
public sealed record ShardRegionStatsInfo(string Region, IReadOnlyList<ShardRegionNodeStats> Nodes);

/// <param name="Shards">Entity count per shard id hosted on that node.</param>
/// <param name="Failed">Shards that did not answer in time.</param>
public sealed record ShardRegionNodeStats(string Address, IReadOnlyDictionary<string, int> Shards, IReadOnlyList<string> Failed);

/// <summary><c>GET /api/transport</c>: how this node's envelopes travel besides Akka.Remote.</summary>
/// <param name="Bulk">The bulk channel; null where it is off (<c>--bulk-listen off</c>).</param>
public sealed record TransportInfo(BulkChannelInfo? Bulk);

/// <param name="Listening">Where other nodes send to this one (HOST:PORT).</param>
/// <param name="Transport"><c>mutual-tls</c>, or <c>tcp</c> on an --insecure node.</param>
/// <param name="FramesIn">Deliver frames taken since start.</param>
/// <param name="ConnectionsRefused">Connections closed for a failed handshake or bytes that are not a frame.</param>
/// <param name="Links">This node's links to other nodes' channels.</param>
/// <param name="DeliversOverRemote">Deliver messages this node's outboxes sent over Akka.Remote instead, since start: each
/// recipient's first (before its acknowledgement names its channel), probes after a silence, and any while a link was down or full.</param>
public sealed record BulkChannelInfo(string Listening, string Transport, long FramesIn, long ConnectionsRefused, IReadOnlyList<BulkLinkInfo> Links,
    long DeliversOverRemote = 0);

/// <param name="State"><c>up</c>, or <c>down</c> after a failure (its outboxes deliver over Akka.Remote until another link is made).</param>
/// <param name="Refused">Deliver frames the link turned away because its queue was full: each went over Akka.Remote, and the outbox sent that recipient's window again.</param>
public sealed record BulkLinkInfo(string Endpoint, string State, long FramesOut, long Refused = 0);
