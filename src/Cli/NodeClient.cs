using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ActorNet.Cli;

/// <summary>The node's HTTP API as the CLI calls it: bearer token, JSON, problem details turned into exceptions.</summary>
public sealed class NodeClient : IDisposable
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    private readonly HttpClient http;

    public NodeClient(Uri baseAddress, string? token)
    {
        BaseAddress = baseAddress;
        // Timeouts are per call (a tail may run for hours), so the client itself never times out.
        http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = RequestTimeout })
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (!string.IsNullOrEmpty(token))
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public Uri BaseAddress { get; }

    /// <summary>The node as an operator wrote it, without the trailing slash HttpClient needs.</summary>
    public string Url => BaseAddress.GetLeftPart(UriPartial.Authority);

    public Task<T> GetAsync<T>(string path, CancellationToken ct) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, path), ct, RequestTimeout);

    /// <summary>A file the node hands back (an attachment): its bytes and content type, not JSON.</summary>
    public async Task<(byte[] Content, string ContentType)> DownloadAsync(string path, CancellationToken ct)
    {
        using var timeout = Bounded(ct, RequestTimeout);
        using var response = await ExchangeAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseContentRead, timeout.Token, ct, RequestTimeout);
        return (await response.Content.ReadAsByteArrayAsync(timeout.Token), response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream");
    }

    /// <param name="within">How long to wait for the answer: <see cref="RequestTimeout"/> unless the node itself waits longer
    /// before it answers (a key rotation waits for GS).</param>
    public Task<T> PostAsync<T>(string path, object? body, CancellationToken ct, TimeSpan? within = null) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonBody(body) }, ct, within ?? RequestTimeout);

    public Task<T> PutAsync<T>(string path, object? body, CancellationToken ct) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonBody(body) }, ct, RequestTimeout);

    /// <summary>Follows a Server-Sent Events stream until it ends or <paramref name="ct"/> is cancelled.</summary>
    public async IAsyncEnumerable<SseItem<string>> FollowAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        // Only the wait for the response headers is bounded; the stream itself may stay quiet for long.
        HttpResponseMessage headers;
        using (var bounded = Bounded(ct, RequestTimeout))
            headers = await ExchangeAsync(request, HttpCompletionOption.ResponseHeadersRead, bounded.Token, ct, RequestTimeout);
        using var response = headers;
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        await using var e = SseParser.Create(stream).EnumerateAsync(ct).GetAsyncEnumerator(ct);
        while (true)
        {
            bool more;
            try
            {
                more = await e.MoveNextAsync();
            }
            catch (Exception ex) when (ex is (IOException or HttpRequestException) && !ct.IsCancellationRequested)
            {
                throw new NodeUnreachableException($"Lost the connection to the node at {Url}: {ex.Message}", ex);
            }
            if (!more)
            {
                // A cancelled read on a read-to-close HTTP/1.0 stream looks like the end of the stream: say which it was.
                ct.ThrowIfCancellationRequested();
                yield break;
            }
            yield return e.Current;
        }
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken ct, TimeSpan within)
    {
        using var timeout = Bounded(ct, within);
        using var response = await ExchangeAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token, ct, within);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, timeout.Token)
                ?? throw new JsonException("empty body");
        }
        catch (JsonException ex)
        {
            throw new NodeRefusedException((int)response.StatusCode,
                $"The node at {Url} answered with something other than ActorNet's JSON ({ex.Message}): is --node an ActorNet node?");
        }
    }

    private static CancellationTokenSource Bounded(CancellationToken ct, TimeSpan within)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(within);
        return timeout;
    }

    /// <summary>Sends, and turns every way of failing into a NodeRefused or NodeUnreachable exception.</summary>
    private async Task<HttpResponseMessage> ExchangeAsync(
        HttpRequestMessage request, HttpCompletionOption completion, CancellationToken bounded, CancellationToken caller, TimeSpan within)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, bounded);
        }
        catch (HttpRequestException ex)
        {
            throw new NodeUnreachableException($"Cannot reach the node at {Url}: {ex.Message} (start it, or pass --node URL)", ex);
        }
        catch (OperationCanceledException ex) when (!caller.IsCancellationRequested)
        {
            throw new NodeUnreachableException(
                $"The node at {Url} did not answer within {within.TotalSeconds:0} s", ex);
        }
        if (response.IsSuccessStatusCode)
            return response;
        using (response)
            throw new NodeRefusedException((int)response.StatusCode, await ProblemTitleAsync(response, bounded));
    }

    private static async Task<string> ProblemTitleAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        try
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind == JsonValueKind.Object
                && problem.RootElement.TryGetProperty("title", out var title)
                && title.GetString() is { Length: > 0 } text)
                return text;
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's error page, say): fall back to the status line below.
        }
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => "The node refused the token (401): pass --token or set ACTORNET_TOKEN",
            HttpStatusCode.Forbidden => "This token's role may not do that (403)",
            _ => $"The node refused the request: {status} {response.ReasonPhrase}",
        };
    }

    private static JsonContent? JsonBody(object? body) =>
        body is null ? null : JsonContent.Create(body, body.GetType(), options: Json);

    public void Dispose() => http.Dispose();
}
