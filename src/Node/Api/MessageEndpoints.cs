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

    public static void MapMessageEndpoints(this IEndpointRouteBuilder app, BureauCode bureau)
    {
        var api = app.MapGroup("/api/messages").RequireAuthorization(p => p.RequireRole(Roles.Officer));

        api.MapPost("", async (SendMessageRequest request, BureauCrypto crypto, IRequiredActor<OutboxKey> outbox, CancellationToken ct) =>
        {
            if (!Enum.TryParse<HandlingCode>(request.HandlingCode ?? "H0", ignoreCase: true, out var handling) || !Enum.IsDefined(handling))
                return Problems.Result(400, $"\"handlingCode\" '{request.HandlingCode}' is not one of H0, H1, H2, H3");
            if (request.CaseId is { Length: > 100 })
                return Problems.Result(400, "\"caseId\" is longer than 100 characters");
            var (attachments, problem) = MessageAttachments.Read(request);
            if (problem is not null)
                return problem;
            return await SendAsync(bureau, request.To, request.Subject ?? "", request.Body ?? "", attachments, handling, request.CaseId,
                request.ForwardingAllowed ?? false, crypto, outbox.ActorRef, ct);
        }).WithMetadata(new MessageAttachments.RequestLimit());

        // H2 and H3 messages go no further unless their originator allowed it (Europol SIENA handling codes).
        api.MapPost("/{id}/forward", async (string id, ForwardRequest request, BureauCrypto crypto,
            IRequiredActor<InboxKey> inbox, IRequiredActor<OutboxKey> outbox, CancellationToken ct) =>
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
            return await SendAsync(bureau, request.To, subject, original.Payload.Body, original.Payload.Attachments, header.HandlingCode, header.CaseId,
                header.ForwardingAllowed, crypto, outbox.ActorRef, ct);
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

    /// <summary>A received message as its reader sees it. The inbox admitted only envelopes that opened; opening again here is for this reader alone.</summary>
    private static InboxMessage Opened(InboxEvents.Received item, BureauCrypto crypto)
    {
        var result = crypto.Opener.Open(SealedEnvelope.FromBytes(item.Sealed));
        var h = result.Header;
        return new InboxMessage(item.Id, item.From.Value, result.Payload?.Subject ?? "", result.Payload?.Body ?? "",
            h.HandlingCode.ToString(), h.CaseId, h.SentAt, item.At, MessageAttachments.Describe(result.Payload));
    }

    /// <summary>Seals one message from this bureau and hands it to the outbox: 202 once the outbox has persisted it.</summary>
    private static async Task<IResult> SendAsync(BureauCode bureau, IReadOnlyList<string>? to, string subject, string body,
        IReadOnlyList<Attachment> attachments, HandlingCode handling,
        string? caseId, bool forwardingAllowed, BureauCrypto crypto, IActorRef outbox, CancellationToken ct)
    {
        if (to is not { Count: > 0 })
            return Problems.Result(400, "\"to\" must name at least one bureau, for example [\"US\"]");
        var recipients = new List<BureauCode>();
        foreach (var code in to.Distinct())
        {
            if (!BureauCode.TryParse(code, out var recipient))
                return Problems.Result(400, $"\"to\": {BureauCode.Explain(code)}");
            if (crypto.Directory.Latest(recipient!) is null)
                return Problems.Result(400, $"\"to\": {crypto.Directory.WhyUnusable(recipient!)}");
            recipients.Add(recipient!);
        }

        MessagePayload payload;
        try
        {
            payload = new MessagePayload(subject, body, attachments);
        }
        catch (PayloadTooLargeException)
        {
            return Problems.Result(413, "The message is larger than 1 MiB: send less, or split it");
        }
        catch (ArgumentException e)
        {
            return Problems.Result(400, e.Message);
        }

        var id = Guid.CreateVersion7().ToString("N");
        SealedEnvelope envelope;
        try
        {
            envelope = crypto.Sealer.Seal(crypto.Sealer.Header(id, recipients, DateTimeOffset.UtcNow, handling, caseId, forwardingAllowed), payload);
        }
        catch (UnknownRecipientException e)
        {
            return Problems.Result(400, $"\"to\": unknown recipient {e.Bureau}: it has no keys in the directory");
        }
        await outbox.Ask<OutboxCommands.Posted>(new OutboxCommands.Post(bureau, id, recipients, envelope.ToBytes()), AskTimeout, ct);
        return Results.Accepted($"/api/messages/{id}", new MessageAccepted(id));
    }
}
