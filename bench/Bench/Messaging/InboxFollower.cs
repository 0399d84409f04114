using System.Diagnostics;
using System.Net.Http.Json;
using System.Threading.Channels;
using ActorNet.Protocol.Api;

namespace ActorNet.Bench.Messaging;

/// <summary>
/// A recipient bureau's client as an integration would write it: it follows <c>GET /api/events</c> (Server-Sent Events) and,
/// whenever a message event arrives, pages <c>GET /api/messages/inbox?after=</c> until it has everything. A message counts as
/// received when its opened body has reached this client, which also marks it read at the node (as a consumer's ack).
/// </summary>
public sealed class InboxFollower : IAsyncDisposable
{
    private const int Page = 1000;
    private readonly HttpClient _http;
    private Action<InboxMessage, long> _onMessage = (_, _) => { };
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _events = Task.CompletedTask, _reader = Task.CompletedTask;
    private string? _lastId;

    private InboxFollower(HttpClient http) => _http = http;

    public long Received { get; private set; }

    /// <summary>Subscribes to events and skips what the inbox already holds; returns once subscribed.</summary>
    /// <param name="onMessage">Called for each later message, once, in inbox order, with the Stopwatch timestamp at which its page arrived.</param>
    public static async Task<InboxFollower> StartAsync(HttpClient http, Action<InboxMessage, long> onMessage)
    {
        var follower = new InboxFollower(http);
        follower._events = follower.FollowEventsAsync();
        await follower._subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await follower.DrainAsync(); // what was there before this client started is not part of any measurement
        follower.Received = 0;
        follower._onMessage = onMessage;
        follower._reader = follower.ReadAsync();
        return follower;
    }

    private async Task FollowEventsAsync()
    {
        try
        {
            using var response = await _http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.StartsWith("event: ready", StringComparison.Ordinal))
                    _subscribed.TrySetResult();
                else if (line.StartsWith("event: message", StringComparison.Ordinal))
                    _wake.Writer.TryWrite(true);
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            _subscribed.TrySetException(e);
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                // Events wake the reader; the timeout only guards against an event lost to a full SSE buffer.
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                tick.CancelAfter(TimeSpan.FromMilliseconds(500));
                try { await _wake.Reader.ReadAsync(tick.Token); }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested) { }
                await DrainAsync();
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            var after = _lastId is null ? "" : $"&after={_lastId}";
            var page = await _http.GetFromJsonAsync<List<InboxMessage>>($"/api/messages/inbox?limit={Page}{after}", MessagingNetwork.Web, _stop.Token) ?? [];
            var at = Stopwatch.GetTimestamp();
            foreach (var message in page)
                _onMessage(message, at);
            Received += page.Count;
            if (page.Count > 0)
                _lastId = page[^1].Id;
            if (page.Count < Page)
                return;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await Task.WhenAll(_events, _reader); }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException) { }
        _stop.Dispose();
    }
}
