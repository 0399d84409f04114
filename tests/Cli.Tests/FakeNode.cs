using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorNet.Cli.Tests;

/// <summary>A stand-in for a node's HTTP API on a free loopback port: canned answers, recorded requests.</summary>
public sealed class FakeNode : IAsyncDisposable
{
    private readonly HttpListener listener;
    private readonly ConcurrentDictionary<string, Func<HttpListenerContext, Task>> routes = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Task serving;

    public FakeNode()
    {
        // The port was free when probed; another process may take it before the listener starts: then another port.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            Url = $"http://127.0.0.1:{Port}";
            listener = new HttpListener();
            listener.Prefixes.Add(Url + "/");
            try
            {
                listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
        serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url { get; }

    public ConcurrentQueue<Recorded> Requests { get; } = new();

    public sealed record Recorded(string Method, string Path, string? Authorization, string Body, string Query = "");

    /// <summary>A loopback port free when this returns, for this stand-in's own listener (a closed port for a test to hold: <see cref="ClosedPort"/>).</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Reply(string method, string path, int status, string json) =>
        routes[$"{method} {path}"] = context => WriteAsync(context, status, "application/json", json);

    /// <summary>Answers as <see cref="Reply"/> does, but only after <paramref name="delay"/>: a node that waits before it answers.</summary>
    public void ReplyAfter(TimeSpan delay, string method, string path, int status, string json) =>
        routes[$"{method} {path}"] = async context =>
        {
            await Task.Delay(delay, stopping.Token);
            await WriteAsync(context, status, "application/json", json);
        };

    /// <summary>Answers with raw bytes, as a file download does.</summary>
    public void ReplyFile(string method, string path, string contentType, byte[] content) =>
        routes[$"{method} {path}"] = async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = contentType;
            context.Response.ContentLength64 = content.Length;
            await context.Response.OutputStream.WriteAsync(content);
            context.Response.Close();
        };

    public void Problem(string method, string path, int status, string title) =>
        routes[$"{method} {path}"] = context => WriteAsync(context, status, "application/problem+json",
            $$"""{"type":"https://tools.ietf.org/html/rfc9110","title":"{{title}}","status":{{status}}}""");

    /// <summary>Streams the events as Server-Sent Events, then holds the stream open until <paramref name="close"/> completes.</summary>
    public void Events(string path, IEnumerable<(string Name, string Data)> events, Task close) =>
        routes[$"GET {path}"] = async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            context.Response.SendChunked = true;
            var output = context.Response.OutputStream;
            foreach (var (name, data) in events)
            {
                await output.WriteAsync(Encoding.UTF8.GetBytes($"event: {name}\ndata: {data}\n\n"));
                await output.FlushAsync();
            }
            await Task.WhenAny(close, Task.Delay(Timeout.Infinite, stopping.Token));
            context.Response.Close();
        };

    private async Task ServeAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
            Requests.Enqueue(new Recorded(request.HttpMethod, request.Url!.AbsolutePath, request.Headers["Authorization"], await reader.ReadToEndAsync(), request.Url.Query));
        try
        {
            if (routes.TryGetValue($"{request.HttpMethod} {request.Url.AbsolutePath}", out var route))
                await route(context);
            else
                await WriteAsync(context, 404, "application/problem+json", """{"title":"No such route on the fake node","status":404}""");
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // The test is over; the client may have gone.
        }
        catch (HttpListenerException)
        {
            // The client hung up mid-answer (an interrupted tail): nothing to tell it.
        }
    }

    private static async Task WriteAsync(HttpListenerContext context, int status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        stopping.Cancel();
        listener.Stop();
        await serving.WaitAsync(TimeSpan.FromSeconds(5));
        listener.Close();
        stopping.Dispose();
    }
}
