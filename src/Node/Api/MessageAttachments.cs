using System.Text;
using ActorNet.Actors.Hosting;
using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Http.Metadata;

namespace ActorNet.Node.Api;

/// <summary>
/// Files sent with a message: read from <c>POST /api/messages</c> (base64 in JSON), listed with each received message,
/// and handed back to the recipient's reader one at a time with their content type.
/// </summary>
public static class MessageAttachments
{
    public const string DefaultContentType = "application/octet-stream";

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The request's attachments decoded, or the problem that names the field to fix (400) or says it is too large (413).</summary>
    public static (IReadOnlyList<Attachment> Attachments, IResult? Problem) Read(SendMessageRequest request, string where = "")
    {
        var uploads = request.Attachments ?? [];
        var attachments = new List<Attachment>(uploads.Count);
        for (var i = 0; i < uploads.Count; i++)
        {
            var field = $"\"attachments[{i}]";
            if (uploads[i] is not { } upload)
                return ([], Problems.Result(400, where + $"{field}\" is null: give an object with name, contentType and data"));
            if (string.IsNullOrWhiteSpace(upload.Name))
                return ([], Problems.Result(400, where + $"{field}.name\" is missing: give the file's name, for example \"report.pdf\""));
            if (upload.Data is null)
                return ([], Problems.Result(400, where + $"{field}.data\" is missing: give the file's bytes in base64"));
            if (upload.ContentType is { } type && !IsMediaType(type))
                return ([], Problems.Result(400, where + $"{field}.contentType\": '{type}' is not a content type such as application/pdf"));
            var bytes = new byte[upload.Data.Length / 4 * 3 + 3];
            if (!Convert.TryFromBase64String(upload.Data, bytes, out var length))
                return ([], Problems.Result(400, where + $"{field}.data\" is not valid base64 (RFC 4648, with padding)"));
            try
            {
                attachments.Add(new Attachment(upload.Name, upload.ContentType ?? DefaultContentType, bytes.AsMemory(0, length)));
            }
            catch (ArgumentException e)
            {
                var part = e.ParamName == nameof(Attachment.Name) ? "name" : "contentType";
                return ([], Problems.Result(400, where + $"{field}.{part}\": {e.Message.Split(" (Parameter")[0]}"));
            }
        }
        var size = Encoding.UTF8.GetByteCount(request.Subject ?? "") + Encoding.UTF8.GetByteCount(request.Body ?? "") + attachments.Sum(a => (long)a.Content.Length);
        if (size > MessagePayload.MaxContentBytes)
            return ([], Problems.Result(413, where + $"The message's subject, body and attachments come to {size} bytes; at most {MessagePayload.MaxContentBytes} (1 MiB) in all: send less, or split it"));
        return (attachments, null);
    }

    private static bool IsMediaType(string text) =>
        System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(text, out var parsed) && parsed.MediaType?.Contains('/') == true;

    /// <summary>One received message opened for this bureau's reader, or null when the inbox does not hold it.</summary>
    public static async Task<OpenResult?> OpenReceivedAsync(BureauCode bureau, string id, BureauCrypto crypto, IActorRef inbox, CancellationToken ct)
    {
        var page = await inbox.Ask<InboxQueries.Page>(new InboxQueries.Get(bureau, id), AskTimeout, ct);
        return page.Items.Count == 0 ? null : crypto.OpenForReader(page.Items[0]);
    }

    /// <summary><c>GET /api/messages/{id}/attachments/{index}</c>: the bytes of one attachment of a received message, with its content type.</summary>
    public static void MapAttachmentEndpoint(this RouteGroupBuilder messages, BureauCode bureau) =>
        messages.MapGet("/{id}/attachments/{index:int}", async (string id, int index, HttpContext http, BureauCrypto crypto, IRequiredActor<InboxKey> inbox, CancellationToken ct) =>
        {
            var opened = await OpenReceivedAsync(bureau, id, crypto, inbox.ActorRef, ct);
            if (opened is null)
                return Problems.Result(404, $"No message {id} is in this bureau's inbox");
            if (!opened.IsOpened)
                return Problems.Result(409, $"Message {id} cannot be opened here any more: {opened.Reason}");
            var attachments = opened.Payload!.Attachments;
            if (index < 0 || index >= attachments.Count)
                return Problems.Result(404, $"Message {id} has {attachments.Count} attachment(s): the index runs from 0 to {attachments.Count - 1}");
            inbox.ActorRef.Tell(new InboxCommands.MarkRead(bureau, [id]));
            var attachment = attachments[index];
            // The sender chose the content type: the reader's client may trust it for display, never sniff past it.
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.File(attachment.Content.ToArray(), IsMediaType(attachment.ContentType) ? attachment.ContentType : DefaultContentType, attachment.Name);
        });
}
