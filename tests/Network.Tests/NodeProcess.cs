using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Pki;

namespace ActorNet.Network.Tests;

/// <summary>A real ActorNet process (Lighthouse or Node) on loopback, started from the build output, with its output captured.</summary>
public sealed class NodeProcess : IAsyncDisposable
{
    public const string AdminToken = "network-tests-admin-token";
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private NodeProcess(string name, Process process, int? httpPort, string? dataDirectory = null)
    {
        Name = name;
        DataDirectory = dataDirectory;
        _process = process;
        HttpPort = httpPort;
        if (httpPort is { } port)
        {
            // Generous: the tests post thousands of requests at once on a 2-core machine shared with other test assemblies, and
            // nothing retries a timed-out one. A bounded wait (Eventually) still ends on its own bound give or take one request.
            Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        }
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue("stderr: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }
    public string? DataDirectory { get; }
    public int? HttpPort { get; }
    public HttpClient Http { get; } = null!;
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Output => string.Join("\n", _output);

    /// <summary>A Lighthouse on plain TCP (--insecure), as the tests of cluster behaviour run it.</summary>
    public static NodeProcess StartLighthouse(int port, params int[] seeds) =>
        Start("lighthouse", Binaries.Lighthouse, null,
            ["--listen", $"127.0.0.1:{port}", .. seeds.SelectMany(s => new[] { "--seed", $"127.0.0.1:{s}" }), "--insecure"]);

    /// <summary>A Lighthouse on TLS with a certificate for <c>lighthouse</c> from <paramref name="pki"/>.</summary>
    public static NodeProcess StartTlsLighthouse(TestPki pki, int port, params int[] seeds) =>
        Start("lighthouse", Binaries.Lighthouse, null,
            ["--listen", $"127.0.0.1:{port}", .. seeds.SelectMany(s => new[] { "--seed", $"127.0.0.1:{s}" }), .. pki.TlsArguments("lighthouse")]);

    /// <summary>
    /// A node on plain TCP (--insecure), as the tests of cluster behaviour run it. A GS node runs --auto-enrol, so that
    /// every bureau can message at once; the tests of approval start GS with <see cref="StartTlsNode"/> and autoEnrol false.
    /// </summary>
    public static NodeProcess StartNode(string bureau, int[] seeds, string dataDirectory, string? database = null, params string[] extra) =>
        StartNodeWith(bureau, seeds, dataDirectory, ["--insecure"], database, extra, autoEnrol: true);

    /// <summary>A node on TLS with a certificate for its bureau from <paramref name="pki"/>; a GS node runs --auto-enrol unless told otherwise.</summary>
    public static NodeProcess StartTlsNode(TestPki pki, string bureau, int[] seeds, string dataDirectory, bool autoEnrol = true, params string[] extra) =>
        StartNodeWith(bureau, seeds, dataDirectory, pki.TlsArguments(bureau), null, extra, autoEnrol);

    private static NodeProcess StartNodeWith(
        string bureau, int[] seeds, string dataDirectory, IEnumerable<string> transport, string? database, IEnumerable<string> extra, bool autoEnrol)
    {
        var http = FreePort();
        var args = new List<string> { "--bureau", bureau, "--http", $"127.0.0.1:{http}", "--data", dataDirectory };
        args.AddRange(transport);
        foreach (var s in seeds) args.AddRange(["--seed", $"127.0.0.1:{s}"]);
        if (database is not null) args.AddRange(["--database", database]);
        if (autoEnrol && bureau == "GS") args.Add("--auto-enrol");
        args.AddRange(extra);
        return Start(bureau, Binaries.Node, http, args, dataDirectory);
    }

    /// <summary>Runs a process to its end: for start-up failures that must exit at once.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(string binary, IEnumerable<string> args, TimeSpan timeout)
    {
        using var process = Process.Start(StartInfo(binary, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(binary)} {string.Join(' ', args)} did not exit within {timeout}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var probe = new HttpClient { BaseAddress = Http.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.TrueAsync(async () =>
        {
            if (HasExited) throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:\n{Output}");
            try { return (await probe.GetAsync("/health/ready")).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
            catch (TaskCanceledException) { return false; }
        }, timeout, $"{Name} ready", () => Output);
    }

    public async Task<IReadOnlyList<MemberInfo>> MembersAsync() =>
        (await Http.GetFromJsonAsync<List<MemberInfo>>("/api/cluster/members"))!;

    public async Task<string> SelfAddressAsync() => (await Http.GetFromJsonAsync<MemberInfo>("/api/cluster/self"))!.Address;

    public async Task<IReadOnlyList<BureauInfo>> BureausAsync(string path = "/api/bureaus") =>
        (await Http.GetFromJsonAsync<List<BureauInfo>>(path))!;

    /// <summary>kill -9: no leave, no flush.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        Http?.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A port for a process to listen on, free now and handed out once per test run. Taken from below the kernel's
    /// ephemeral range: a node binds its port seconds after it is picked, and a port in that range can meanwhile become
    /// the source port of any outgoing connection on the machine (a restarted bureau once found its HTTP port taken so).
    /// </summary>
    public static int FreePort()
    {
        var below = EphemeralStart();
        for (var attempt = 0; below > ListenFrom + 1000 && attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(ListenFrom, below);
            lock (Given)
                if (!Given.Add(port))
                    continue;
            if (CanListen(port))
                return port;
        }
        // No room below the ephemeral range on this machine: the kernel's choice, as before.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var chosen = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return chosen;
    }

    private const int ListenFrom = 20_000;
    private static readonly HashSet<int> Given = [];

    private static int EphemeralStart()
    {
        try
        {
            return int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768; // Linux's default
        }
    }

    private static bool CanListen(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static NodeProcess Start(string name, string binary, int? httpPort, IEnumerable<string> args, string? dataDirectory = null)
    {
        var process = Process.Start(StartInfo(binary, args)) ?? throw new InvalidOperationException("could not start " + binary);
        return new NodeProcess(name, process, httpPort, dataDirectory);
    }

    /// <summary>A dll runs on the shared framework (<c>dotnet X.dll</c>); a self-contained publish's executable runs as it is.</summary>
    private static ProcessStartInfo StartInfo(string binary, IEnumerable<string> args)
    {
        var isDll = binary.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(isDll ? "dotnet" : binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (isDll)
            info.ArgumentList.Add(binary);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["ACTORNET_ADMIN_TOKEN"] = AdminToken;
        info.Environment.Remove("ACTORNET_DATABASE");
        info.Environment.Remove("ACTORNET_SEEDS");
        return info;
    }
}

/// <summary>
/// The processes under test: the solution's build output, or with <c>ACTORNET_TEST_PUBLISHED=DIR</c> the deployed form,
/// the self-contained trimmed executables that <c>.ci/publish</c> (as the Dockerfile) puts in DIR/node, DIR/lighthouse
/// and DIR/cli.
/// </summary>
public static class Binaries
{
    private static readonly string Configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0/
    private static readonly string? Published = Environment.GetEnvironmentVariable("ACTORNET_TEST_PUBLISHED") is { Length: > 0 } dir ? Path.GetFullPath(dir) : null;

    public static string RepoRoot { get; } = FindRoot();
    public static string Node => Published is null ? Built("Node", "ActorNet.Node.dll") : Executable("node", "ActorNet.Node");
    public static string Lighthouse => Published is null ? Built("Lighthouse", "ActorNet.Lighthouse.dll") : Executable("lighthouse", "ActorNet.Lighthouse");
    public static string Cli => Published is null ? Built("Cli", "actornet.dll") : Executable("cli", "actornet");

    private static string Executable(string directory, string name)
    {
        var path = Path.Combine(Published!, directory, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not published: run .ci/publish {Published} first", path);
    }

    private static string Built(string project, string dll)
    {
        var path = Path.Combine(RepoRoot, "src", project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built: build the solution first", path);
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ActorNet.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ActorNet.sln not found");
    }
}

public static class Eventually
{
    /// <summary>Polls a condition for the whole of <paramref name="period"/> and fails the moment it holds.</summary>
    public static async Task NeverAsync(Func<Task<bool>> condition, TimeSpan period, string what, Func<string>? diagnostics = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < period)
        {
            try
            {
                if (await condition())
                    throw new InvalidOperationException($"{what} happened after {clock.Elapsed.TotalSeconds:0.0} s{(diagnostics is null ? "" : "\n" + diagnostics())}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                // Not answering is not the thing we watch for.
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Polls a condition until it holds; fails with what was being waited for once the bound passes.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? diagnostics = null)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                last = e;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}{(last is null ? "" : $" (last error: {last.Message})")}{(diagnostics is null ? "" : "\n" + diagnostics())}");
    }
}

/// <summary>A network CA in a directory of its own and certificates it issues, made by ActorNet's own Pki code.</summary>
public sealed class TestPki : IDisposable
{
    public const string Password = "network-tests-tls-password";
    private readonly NetworkCa _ca = NetworkCa.Create(DateTimeOffset.UtcNow);
    private readonly string _directory;

    public TestPki(string directory)
    {
        _directory = directory;
        _ca.Save(directory);
    }

    public string CaFile => System.IO.Path.Combine(_directory, NetworkCa.CertificateFile);

    /// <summary>The PKCS#12 file for a bureau code or <c>lighthouse</c>, issued on first use.</summary>
    public string CertificateFor(string name)
    {
        var file = System.IO.Path.Combine(_directory, name + ".p12");
        if (!File.Exists(file))
        {
            if (!CertificateHolder.TryParse(name, out var holder))
                throw new ArgumentException(CertificateHolder.Explain(name), nameof(name));
            _ca.IssueTo(file, holder!, Password, DateTimeOffset.UtcNow).Dispose();
        }
        return file;
    }

    /// <summary>The flags that run a process as <paramref name="name"/> on this CA's network.</summary>
    public string[] TlsArguments(string name) => ["--tls-cert", CertificateFor(name), "--tls-password", Password, "--ca", CaFile];

    public void Dispose() => _ca.Dispose();
}

/// <summary>A temp directory per test, removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "actornet-net-" + Guid.NewGuid().ToString("N")[..10]);

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
