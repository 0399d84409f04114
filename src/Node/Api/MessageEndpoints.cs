using ActorNet.Actors.Hosting;
using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Hosting;

namespace ActorNet.Node.Api;

/// <summary>Sealed bureau-to-bureau messages: sealed here, kept by the outbox until delivered, opened here for this bureau's reader.</summary>
public static class MessageEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Messages in one <c>POST /api/messages/batch</c>.</summary>
    public const int MaxBatch = 1000;

    /// <summary>The body of a batch: a thousand messages of ordinary size, not a thousand of the largest (send those one by one).</summary>
    public const long MaxBatchBodyBytes = 16L * 1024 * 1024;

    public static void MapMessageEndpoints(this IEndpointRouteBuilder app, BureauCode bureau)
    {
        var api = app.MapGroup("/api/messages").RequireAuthorization(p => p.RequireRole(Roles.Officer));

        api.MapPost("", async (SendMessageRequest request, BureauCrypto crypto, IRequiredActor<SealerKey> sealer, IRequiredActor<OutboxKey> outbox, CancellationToken ct) =>
        {
            var (draft, problem) = Check(request, crypto);
            if (draft is null)
                return problem!;
            var (ids, refused) = await SendAsync([draft], sealer.ActorRef, outbox.ActorRef, crypto.Directory, ct);
            return refused ?? Results.Accepted($"/api/messages/{ids[0]}", new MessageAccepted(ids[0]));
        }).WithMetadata(new BodySizeLimit(2L * MessagePayload.MaxContentBytes)); // 1 MiB of files is 1.4 MiB in base64

        // For integrations: many messages in one request, sealed together; ids come back in the request's order.
        api.MapPost("/batch", async (List<SendMessageRequest> requests, BureauCrypto crypto, IRequiredActor<SealerKey> sealer,
            IRequiredActor<OutboxKey> outbox, CancellationToken ct) =>
        {
            if (requests.Count is 0 or > MaxBatch)
                return Problems.Result(400, $"A batch holds 1 to {MaxBatch} messages, not {requests.Count}: split it");
            var drafts = new Draft[requests.Count];
            for (var i = 0; i < requests.Count; i++)
            {
                var (draft, problem) = Check(requests[i], crypto, $"message [{i}]: ");
                if (draft is null)
                    return problem!;
                drafts[i] = draft;
            }
            var (ids, refused) = await SendAsync(drafts, sealer.ActorRef, outbox.ActorRef, crypto.Directory, ct);
            return refused ?? Results.Json(new MessagesAccepted(ids), statusCode: StatusCodes.Status202Accepted);
        }).WithMetadata(new BodySizeLimit(MaxBatchBodyBytes));

        // H2 and H3 messages go no further unless their originator allowed it (Europol SIENA handling codes).
        api.MapPost("/{id}/forward", async (string id, ForwardRequest request, BureauCrypto crypto,
            IRequiredActor<InboxKey> inbox, IRequiredActor<SealerKey> sealer, IRequiredActor<OutboxKey> outbox, CancellationToken ct) =>
        {
            var original = await MessageAttachments.OpenReceivedAsync(bureau, id, crypto, inbox.ActorRef, ct);
            if (original is null)
                return Problems.Result(404, $"No message {id} is in this bureau's inbox");
            if (!original.IsOpened)
                return Problems.Result(409, $"Message {id} cannot be opened here any more: {original.Reason}");
            var header = original.Header;
            if (!header.MayBeForwarded)
                return Problems.Result(403, $"Message {id} is {header.HandlingCode} and its originator {header.From} did not allow passing it on: ask {header.From} first");
            var subject = $"Fwd ({header.From}, {header.Id}): {original.Payload!.Subject}";
            var (draft, problem) = Check(request.To, subject, original.Payload.Body, original.Payload.Attachments, header.HandlingCode, header.CaseId,
                header.ForwardingAllowed, crypto);
            if (draft is null)
                return problem!;
            var (ids, refused) = await SendAsync([draft], sealer.ActorRef, outbox.ActorRef, crypto.Directory, ct);
            return refused ?? Results.Accepted($"/api/messages/{ids[0]}", new MessageAccepted(ids[0]));
        });

        api.MapGet("/{id}", async (string id, IRequiredActor<OutboxKey> outbox, CancellationToken ct) =>
            await outbox.ActorRef.Ask<object>(new OutboxQueries.GetStatus(bureau, id), AskTimeout, ct) is OutboxQueries.MessageStatus s
                ? Results.Ok(new MessageStatusInfo(s.Id, s.From.Value, s.To.Select(t => t.Value).ToArray(),
                    s.Recipients.ToDictionary(r => r.Recipient.Value, r => r.State), s.PostedAt))
                : Problems.Result(404, $"No message {id} was sent from this bureau"));

        api.MapGet("/inbox", async (string? after, int? limit, BureauCrypto crypto, IRequiredActor<InboxKey> inbox, CancellationToken ct) =>
        {
            if (limit is < 1 or > 1000)
                return Problems.Result(400, "\"limit\" must be between 1 and 1000");
            // "?after=" with nothing after it is the first page, as a client building the query from an empty list means.
            after = string.IsNullOrWhiteSpace(after) ? null : after;
            var page = await inbox.ActorRef.Ask<InboxQueries.Page>(new InboxQueries.List(bureau, after, limit ?? 100), AskTimeout, ct);
            if (page.UnknownAfterId)
                return Problems.Result(400, $"\"after\": no message {after} is in this inbox");
            var opened = page.Items.Select(item => Opened(item, crypto)).ToArray();
            if (opened.Length > 0)
                inbox.ActorRef.Tell(new InboxCommands.MarkRead(bureau, opened.Select(m => m.Id).ToArray()));
            return Results.Ok(opened);
        });

        api.MapGet("/inbox/{id}", async (string id, BureauCrypto crypto, IRequiredActor<InboxKey> inbox, CancellationToken ct) =>
        {
            var page = await inbox.ActorRef.Ask<InboxQueries.Page>(new InboxQueries.Get(bureau, id), AskTimeout, ct);
            if (page.Items.Count == 0)
                return Problems.Result(404, $"No message {id} is in this bureau's inbox");
            inbox.ActorRef.Tell(new InboxCommands.MarkRead(bureau, [id]));
            return Results.Ok(Opened(page.Items[0], crypto));
        });

        api.MapAttachmentEndpoint(bureau);
    }

    /// <summary>A received message as its reader sees it. The inbox admitted only envelopes that opened at its gate; opening again here is for this reader alone.</summary>
    internal static InboxMessage Opened(InboxEvents.Received item, BureauCrypto crypto) => InboxMessage.Of(item, crypto.OpenForReader(item));

    /// <summary>A send request checked against the directory and the limits: a draft to seal, or the problem to answer with.</summary>
    private static (Draft? Draft, IResult? Problem) Check(SendMessageRequest request, BureauCrypto crypto, string where = "")
    {
        if (!Enum.TryParse<HandlingCode>(request.HandlingCode ?? "H0", ignoreCase: true, out var handling) || !Enum.IsDefined(handling))
            return (null, Problems.Result(400, $"{where}\"handlingCode\" '{request.HandlingCode}' is not one of H0, H1, H2, H3"));
        if (request.CaseId is { Length: > 100 })
            return (null, Problems.Result(400, $"{where}\"caseId\" is longer than 100 characters"));
        var (attachments, problem) = MessageAttachments.Read(request, where);
        if (problem is not null)
            return (null, problem);
        return Check(request.To, request.Subject ?? "", request.Body ?? "", attachments, handling, request.CaseId, request.ForwardingAllowed ?? false, crypto, where);
    }

    private static (Draft? Draft, IResult? Problem) Check(IReadOnlyList<string>? to, string subject, string body, IReadOnlyList<Attachment> attachments, HandlingCode handling,
        string? caseId, bool forwardingAllowed, BureauCrypto crypto, string where = "")
    {
        if (to is not { Count: > 0 })
            return (null, Problems.Result(400, $"{where}\"to\" must name at least one bureau, for example [\"US\"]"));
        var recipients = new List<BureauCode>();
        foreach (var code in to.Distinct())
        {
            if (!BureauCode.TryParse(code, out var recipient))
                return (null, Problems.Result(400, $"{where}\"to\": {BureauCode.Explain(code)}"));
            if (crypto.Directory.Latest(recipient!) is null)
                return (null, Problems.Result(400, $"{where}\"to\": {crypto.Directory.WhyUnusable(recipient!)}"));
            recipients.Add(recipient!);
        }
        try
        {
            return (new Draft(recipients, new MessagePayload(subject, body, attachments), handling, caseId, forwardingAllowed), null);
        }
        catch (PayloadTooLargeException)
        {
            return (null, Problems.Result(413, $"{where}The message is larger than 1 MiB: send less, or split it"));
        }
        catch (ArgumentException e)
        {
            return (null, Problems.Result(400, where + e.Message));
        }
    }

    /// <summary>
    /// Has the drafts sealed (together with whatever else is being sent at the moment) and hands them to the outbox:
    /// the ids, in the drafts' order, once the outbox has persisted every one of them.
    /// </summary>
    private static async Task<(string[] Ids, IResult? Refused)> SendAsync(IReadOnlyList<Draft> drafts, IActorRef sealer,
        IActorRef outbox, PublicKeyDirectory directory, CancellationToken ct)
    {
        // The sealer hands the envelopes straight to the outbox as one PostAll (numbered in this order, gathered with
        // concurrent requests into one write), and the outbox answers here once they are persisted.
        var answer = await sealer.Ask<object>(new SealerCommands.Seal(drafts, outbox), AskTimeout, ct);
        if (answer is SealerCommands.Refused refused)
            return ([], Problems.Result(400,
                $"{(drafts.Count > 1 ? $"message [{refused.Index}]: " : "")}\"to\": {directory.WhyUnusable(refused.Recipient)}"));
        return (((OutboxCommands.PostedAll)answer).Ids.ToArray(), null);
    }
}

/// <summary>A larger request body than the node's 1 MiB default, for the one endpoint that takes many messages.</summary>
internal sealed class BodySizeLimit(long bytes) : Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize { get; } = bytes;
}
