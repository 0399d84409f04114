using System.Diagnostics;
using System.Net;

namespace ActorNet.Bench.Infrastructure;

/// <summary>Starts real Lighthouse and node processes from their Release builds, on loopback, plain TCP.</summary>
public static class ActorNetProcesses
{
    public static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>A Lighthouse that seeds itself; returns once its port accepts connections (bounded at 30 s).</summary>
    public static async Task<(ChildProcess Process, int Port)> StartLighthouseAsync(Binaries binaries, string work, string name)
    {
        var port = Net.FreePort();
        var lighthouse = StartLighthouse(binaries, work, name, port);
        if (!await Net.WaitForListenerAsync(port, TimeSpan.FromSeconds(30), lighthouse))
        {
            var tail = lighthouse.Tail();
            lighthouse.Dispose();
            throw new TimeoutException($"Lighthouse did not listen on {port} within 30 s:\n{tail}");
        }
        return (lighthouse, port);
    }

    public static ChildProcess StartLighthouse(Binaries binaries, string work, string name, int port) =>
        ChildProcess.Start(name, binaries.Lighthouse,
            ["--listen", $"{Net.Loopback}:{port}", "--seed", $"{Net.Loopback}:{port}", "--insecure"],
            Path.Combine(work, name + ".log"));

    public static ChildProcess StartNode(Binaries binaries, string bureau, int seedPort, int httpPort, string dataDirectory, string logFile, string? adminToken = null) =>
        ChildProcess.Start(bureau, binaries.Node,
            ["--bureau", bureau, "--seed", $"{Net.Loopback}:{seedPort}", "--http", $"{Net.Loopback}:{httpPort}", "--data", dataDirectory, "--insecure", "--log-format", "json", .. bureau == "GS" ? new[] { "--auto-enrol" } : []],
            logFile,
            adminToken is null ? null : new Dictionary<string, string> { ["ACTORNET_ADMIN_TOKEN"] = adminToken });

    /// <summary>Polls GET url every <paramref name="interval"/> until it answers 200; returns the seconds since the process started, or null at the bound.</summary>
    public static async Task<double?> WaitFor200Async(ChildProcess process, string url, TimeSpan interval, TimeSpan bound, Action<HttpStatusCode, string>? onAnswer = null)
    {
        var until = Stopwatch.GetTimestamp() + (long)(bound.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until && !process.HasExited)
        {
            try
            {
                using var response = await Http.GetAsync(url);
                if (response.StatusCode == HttpStatusCode.OK)
                    return Net.SecondsSince(process.StartedAt);
                onAnswer?.Invoke(response.StatusCode, await response.Content.ReadAsStringAsync());
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            catch (System.Net.Sockets.SocketException) { } // seen under heavy load: the socket reset between connect and use
            await Task.Delay(interval);
        }
        return null;
    }
}
