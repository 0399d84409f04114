using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ActorNet.Protocol.Api;

namespace ActorNet.Network.Tests;

/// <summary>A bureau's inbox as its reader pages through it with <c>GET /api/messages/inbox?after=</c>.</summary>
public static class Inbox
{
    /// <summary>Appends to <paramref name="sofar"/> whatever arrived after its last message, a page at a time, and returns it.</summary>
    public static async Task<List<InboxMessage>> ReadMoreAsync(NodeProcess node, List<InboxMessage> sofar)
    {
        while (true)
        {
            var after = sofar.Count == 0 ? "" : $"&after={sofar[^1].Id}";
            var page = (await node.Http.GetFromJsonAsync<List<InboxMessage>>($"/api/messages/inbox?limit=1000{after}"))!;
            sofar.AddRange(page);
            if (page.Count < 1000)
                return sofar;
        }
    }
}

/// <summary>One message a stream sent: which client sent it, its place in that client's sequence, and when it was posted and accepted.</summary>
public sealed record SentMessage(int Client, int Number, string Subject, string Id, long StartedAt, long AcceptedAt);

/// <summary>
/// A stream of messages from one bureau to another through several HTTP clients, each sending its next message only once
/// the previous one got its 202. Knows which messages were accepted, and when, so a test can check the order that implies.
/// </summary>
public sealed class MessageStream(NodeProcess sender, string recipient, int clients)
{
    private readonly List<SentMessage> _accepted = [];
    private int _started;

    /// <summary>Subjects of requests that got no 202 (the sender died under them): they may arrive, but never twice.</summary>
    public List<string> Unanswered { get; } = [];

    public IReadOnlyList<SentMessage> Accepted
    {
        get { lock (_accepted) return _accepted.ToList(); }
    }

    public int AcceptedCount
    {
        get { lock (_accepted) return _accepted.Count; }
    }

    /// <summary>Sends until <paramref name="total"/> requests were started or a request fails; calls <paramref name="onAccepted"/> with the running count.</summary>
    public async Task RunAsync(int total, Action<int>? onAccepted = null)
    {
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            for (var number = 0; Interlocked.Increment(ref _started) <= total; number++)
            {
                var subject = $"c{client}-{number}";
                var startedAt = Stopwatch.GetTimestamp();
                HttpResponseMessage response;
                try
                {
                    response = await sender.Http.PostAsJsonAsync("/api/messages", new SendMessageRequest([recipient], subject, "stream " + subject, "H1", null, null));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Unanswered only because the sender died: a live sender that did not answer is a failure of its own.
                    if (e is TaskCanceledException && !sender.HasExited)
                        throw new TimeoutException($"{subject}: {sender.Name} is running but did not answer within {sender.Http.Timeout.TotalSeconds:0} s", e);
                    lock (_accepted) Unanswered.Add(subject);
                    return;
                }
                if (response.StatusCode != HttpStatusCode.Accepted)
                    throw new InvalidOperationException($"{subject}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                var id = (await response.Content.ReadFromJsonAsync<MessageAccepted>())!.Id;
                int count;
                lock (_accepted)
                {
                    _accepted.Add(new SentMessage(client, number, subject, id, startedAt, Stopwatch.GetTimestamp()));
                    count = _accepted.Count;
                }
                onAccepted?.Invoke(count);
            }
        })));
    }

    /// <summary>
    /// "In order" for concurrent senders: a message accepted (202) before another was even posted comes before it in the inbox.
    /// That includes each client's own messages in the order it sent them. Returns the first violation, or null.
    /// </summary>
    public static string? FirstOrderViolation(IReadOnlyList<SentMessage> inInboxOrder)
    {
        var latestStart = long.MinValue;
        SentMessage? latest = null;
        var lastOfClient = new Dictionary<int, SentMessage>();
        foreach (var message in inInboxOrder)
        {
            if (lastOfClient.TryGetValue(message.Client, out var previous) && previous.Number > message.Number)
                return $"client {message.Client}'s message {message.Subject} arrived after its later message {previous.Subject}";
            lastOfClient[message.Client] = message;
            if (message.AcceptedAt < latestStart)
                return $"{message.Subject} was accepted before {latest!.Subject} was posted, yet arrived after it";
            if (message.StartedAt > latestStart)
                (latestStart, latest) = (message.StartedAt, message);
        }
        return null;
    }
}
