using System.Diagnostics;
using System.Net.Http.Json;
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

    /// <summary>Skips what the inbox already holds and subscribes to the messages after it; returns once subscribed.</summary>
    /// <param name="onMessage">Called for each later message, once, in inbox order, with the Stopwatch timestamp at which it arrived.</param>
    public static async Task<InboxFollower> StartAsync(HttpClient http, Action<InboxMessage, long> onMessage)
    {
        var follower = new InboxFollower(http);
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
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
            string? type = null, data = null;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                    type = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    data = line[6..];
                else if (line.Length == 0)
                {
                    if (type == "ready")
                        _subscribed.TrySetResult();
                    else if (type == "message" && data is not null)
                    {
                        var at = Stopwatch.GetTimestamp();
                        var message = JsonSerializer.Deserialize<InboxMessage>(data, MessagingNetwork.Web)!;
                        Received++;
                        _onMessage(message, at);
                    }
                    (type, data) = (null, null);
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            _subscribed.TrySetException(e);
        }
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            var after = _lastId is null ? "" : $"&after={_lastId}";
            var page = await _http.GetFromJsonAsync<List<InboxMessage>>($"/api/messages/inbox?limit={Page}{after}", MessagingNetwork.Web, _stop.Token) ?? [];
            if (page.Count > 0)
                _lastId = page[^1].Id;
            if (page.Count < Page)
                return;
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
