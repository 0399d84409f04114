using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using ActorNet.Protocol.Api;

namespace ActorNet.Bench.Messaging;

/// <summary>
/// A recipient bureau's client as an integration would write it: it reads what its inbox already holds with
/// <c>GET /api/messages/inbox?after=</c>, then follows <c>GET /api/events?messages=full&amp;after=</c> (Server-Sent Events
/// carrying each new message, opened). A message counts as received when its opened body has reached this client; the node
/// marks it read as it sends it (as a consumer's ack).
/// </summary>
public sealed class InboxFollower : IAsyncDisposable
{
    private const int Page = 1000;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action<InboxMessage, long> _onMessage = (_, _) => { };
    private Task _events = Task.CompletedTask;
    private string? _lastId;

    private InboxFollower(HttpClient http) => _http = http;

    public long Received { get; private set; }

    /// <summary>The last message this client had, to carry on after (null when it had none and the inbox was empty).</summary>
    public string? LastId => _lastId;

    /// <summary>Skips what the inbox already holds and subscribes to the messages after it; returns once subscribed.</summary>
    /// <param name="onMessage">Called for each later message, once, in inbox order, with the Stopwatch timestamp at which it arrived.</param>
    /// <param name="after">Where an earlier client of this inbox left off (<see cref="LastId"/>): only what came after it is skipped.</param>
    public static async Task<InboxFollower> StartAsync(HttpClient http, Action<InboxMessage, long> onMessage, string? after = null)
    {
        var follower = new InboxFollower(http) { _lastId = after };
        await follower.DrainAsync(); // what was there before this client started is not part of any measurement
        follower._onMessage = onMessage;
        follower._events = follower.FollowAsync();
        await follower._subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return follower;
    }

    private async Task FollowAsync()
    {
        try
        {
            var after = _lastId is null ? "" : $"&after={_lastId}";
            using var response = await _http.GetAsync($"/api/events?messages=full{after}", HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            response.EnsureSuccessStatusCode();
            // The events are parsed as UTF-8 bytes and each message deserialised from them, as an integration keeping up with a
            // busy inbox would: no line strings, no UTF-16 copy of every body (the client shares the cores with both nodes).
            var events = SseParser.Create(await response.Content.ReadAsStreamAsync(_stop.Token), (type, data) =>
                type == "message" ? (Stopwatch.GetTimestamp(), JsonSerializer.Deserialize<InboxMessage>(data, MessagingNetwork.Web)) : (0L, null));
            await foreach (var item in events.EnumerateAsync(_stop.Token))
            {
                if (item.EventType == "ready")
                    _subscribed.TrySetResult();
                else if (item.Data is (var at, { } message))
                {
                    Received++;
                    _lastId = message.Id;
                    _onMessage(message, at);
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            _subscribed.TrySetException(e);
        }
    }

    private async Task DrainAsync() => _lastId = await SkipAsync(_http, _lastId, _stop.Token);

    /// <summary>Reads past what the inbox holds after <paramref name="after"/>; returns the last message's id (or <paramref name="after"/> when there is none).</summary>
    public static async Task<string?> SkipAsync(HttpClient http, string? after, CancellationToken cancel = default)
    {
        while (true)
        {
            var query = after is null ? "" : $"&after={after}";
            var page = await http.GetFromJsonAsync<List<InboxMessage>>($"/api/messages/inbox?limit={Page}{query}", MessagingNetwork.Web, cancel) ?? [];
            if (page.Count > 0)
                after = page[^1].Id;
            if (page.Count < Page)
                return after;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _events; }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException) { }
        _stop.Dispose();
    }
}
