using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ActorNet.Bench.Infrastructure;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Pki;

namespace ActorNet.Bench.Messaging;

/// <summary>
/// A real network as deployed: a development CA, a Lighthouse and nodes on mutually authenticated TLS, each node on its own
/// SQLite database, GS keeping the directory (with --auto-enrol, as localnet.sh does not need: it is a bench).
/// </summary>
public sealed class MessagingNetwork : IAsyncDisposable
{
    public const string Password = "bench-tls-password";
    private const int Wave = 6;
    private readonly List<ChildProcess> _processes = [];
    private readonly Dictionary<string, (ChildProcess Process, HttpClient Http)> _nodes = [];
    private readonly NetworkCa _ca = NetworkCa.Create(DateTimeOffset.UtcNow);
    private readonly string _pki;

    private MessagingNetwork(string work)
    {
        Work = work;
        _pki = Path.Combine(work, "pki");
        _ca.Save(_pki);
        Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    }

    public string Work { get; }
    /// <summary>Where the development CA and every certificate it issued are.</summary>
    public string Pki => _pki;
    /// <summary>The Lighthouse's remoting address, HOST:PORT, for processes that join beside the nodes.</summary>
    public string Seed { get; private set; } = "";
    public string? HeartbeatPause { get; private init; }
    private string[] Tuning => HeartbeatPause is null ? [] : ["--heartbeat-pause", HeartbeatPause];
    public string Token { get; }
    public IReadOnlyList<ChildProcess> Processes => _processes;
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public HttpClient Http(string bureau) => _nodes[bureau].Http;

    /// <summary>
    /// The last message each recipient's client had from its inbox, kept from one run to the next as an integration keeps
    /// its cursor: the next run's client carries on after it instead of reading the whole inbox again.
    /// </summary>
    public Dictionary<string, string> InboxCursors { get; } = [];
    public ChildProcess Process(string bureau) => _nodes[bureau].Process;

    /// <summary>Starts the Lighthouse, GS and the bureaus at once; returns when every node is ready and <paramref name="sender"/> holds every bureau's keys.</summary>
    /// <param name="heartbeatPause">--heartbeat-pause for every process (null: the default), for networks larger than the machine holds comfortably.</param>
    public static async Task<MessagingNetwork> StartAsync(Binaries binaries, string work, string sender, IReadOnlyList<string> bureaus, TimeSpan bound,
        string? heartbeatPause = null)
    {
        var network = new MessagingNetwork(work) { HeartbeatPause = heartbeatPause };
        try
        {
            await network.LaunchAsync(binaries, sender, bureaus, bound);
            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    private async Task LaunchAsync(Binaries binaries, string sender, IReadOnlyList<string> bureaus, TimeSpan bound)
    {
        var launch = Stopwatch.GetTimestamp();
        var seed = Net.FreePort();
        Seed = $"{Net.Loopback}:{seed}";
        _processes.Add(ChildProcess.Start("lighthouse", binaries.Lighthouse,
            ["--listen", $"{Net.Loopback}:{seed}", "--seed", $"{Net.Loopback}:{seed}", .. Tls("lighthouse"), .. Tuning], Path.Combine(Work, "lighthouse.log")));
        // In waves, each ready before the next starts: fifty nodes launched at once on two cores starve one another until
        // the failure detector and SBR down them. GS and the sender come first.
        var everyone = new[] { "GS", sender }.Concat(bureaus).Distinct().ToList();
        var waves = new[] { everyone.Take(2).ToList() }.Concat(everyone.Skip(2).Chunk(Wave).Select(c => c.ToList()));
        foreach (var wave in waves)
        {
            foreach (var bureau in wave)
                Launch(binaries, bureau, seed);
            foreach (var bureau in wave)
            {
                var (process, client) = _nodes[bureau];
                if (await ActorNetProcesses.WaitFor200Async(process, client.BaseAddress + "health/ready", TimeSpan.FromMilliseconds(250), Remaining(launch, bound)) is null)
                    throw new TimeoutException($"{bureau} not ready within {bound.TotalSeconds:0} s of launch:\n{process.Tail()}");
            }
            Console.Error.WriteLine($"    {_nodes.Count} nodes ready {Net.SecondsSince(launch):0.0} s after launch (load {Machine.LoadAverage()})");
        }

        await WaitForKeysAsync(sender, bureaus.Append(sender).ToHashSet(), launch, bound);
        StartedIn = Net.SecondsSince(launch);
        Console.Error.WriteLine($"    {sender} knows all {bureaus.Append(sender).Distinct().Count()} bureaus' keys {StartedIn:0.0} s after launch");
    }

    /// <summary>Polls <paramref name="at"/>'s GET /api/bureaus until it lists a key fingerprint for every one of <paramref name="expected"/>.</summary>
    public async Task WaitForKeysAsync(string at, IReadOnlySet<string> expected, long since, TimeSpan bound)
    {
        var last = 0;
        while (true)
        {
            try
            {
                var known = (await Http(at).GetFromJsonAsync<List<BureauInfo>>("/api/bureaus", Web) ?? [])
                    .Where(b => b.Fingerprint is not null).Select(b => b.Code).ToHashSet();
                last = expected.Count(known.Contains);
                if (last == expected.Count)
                    return;
            }
            catch (HttpRequestException) { }
            if (Remaining(since, bound) <= TimeSpan.Zero)
                throw new TimeoutException($"{at} knew the keys of only {last} of {expected.Count} bureaus within {bound.TotalSeconds:0} s");
            await Task.Delay(250);
        }
    }

    /// <summary>Seconds from launch until every node was ready and the sender knew every recipient's keys.</summary>
    public double StartedIn { get; private set; }

    /// <summary>User+system CPU seconds so far, per process.</summary>
    public Dictionary<string, double> CpuSeconds() =>
        _processes.ToDictionary(p => p.Name, p => p.CpuSeconds() ?? double.NaN);

    /// <summary>
    /// Waits until the network's processes together use under a tenth of a core for a fifth of a second, or the bound
    /// passes: what an earlier scenario left them to do (its last acknowledgements and read receipts, their audit entries)
    /// is then done. Returns the seconds waited and whether they went quiet.
    /// </summary>
    public async Task<(double Seconds, bool Quiet)> SettleAsync(TimeSpan bound)
    {
        var window = TimeSpan.FromMilliseconds(200);
        var start = Stopwatch.GetTimestamp();
        var before = CpuSeconds().Values.Sum();
        while (Stopwatch.GetElapsedTime(start) < bound)
        {
            await Task.Delay(window);
            var now = CpuSeconds().Values.Sum();
            if (now - before < 0.1 * window.TotalSeconds)
                return (Net.SecondsSince(start), true);
            before = now;
        }
        return (Net.SecondsSince(start), false);
    }

    private void Launch(Binaries binaries, string bureau, int seed)
    {
        var http = Net.FreePort();
        var process = ChildProcess.Start(bureau, binaries.Node,
            ["--bureau", bureau, "--seed", $"{Net.Loopback}:{seed}", "--http", $"{Net.Loopback}:{http}", "--data", Path.Combine(Work, bureau),
                .. Tls(bureau), .. Tuning, "--log-format", "json", .. bureau == "GS" ? new[] { "--auto-enrol" } : []],
            Path.Combine(Work, bureau + ".log"), new Dictionary<string, string> { ["ACTORNET_ADMIN_TOKEN"] = Token });
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri($"http://{Net.Loopback}:{http}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        _processes.Add(process);
        _nodes[bureau] = (process, client);
    }

    private string[] Tls(string holder) =>
        ["--tls-cert", IssueCertificate(holder), "--tls-password", Password, "--ca", Path.Combine(_pki, NetworkCa.CertificateFile)];

    /// <summary>The CA's certificate for <paramref name="holder"/> (a bureau code or <c>lighthouse</c>) in Pki as HOLDER.p12, issued once.</summary>
    public string IssueCertificate(string holder)
    {
        var file = Path.Combine(_pki, holder + ".p12");
        if (!File.Exists(file))
            _ca.IssueTo(file, CertificateHolder.TryParse(holder, out var h) ? h! : throw new ArgumentException(CertificateHolder.Explain(holder)),
                Password, DateTimeOffset.UtcNow).Dispose();
        return file;
    }

    private static TimeSpan Remaining(long since, TimeSpan bound) => bound - Stopwatch.GetElapsedTime(since);

    public async ValueTask DisposeAsync()
    {
        // Bureaus first, the Lighthouse last, each with a short grace to leave; killed if it does not.
        await Task.WhenAll(_processes.Skip(1).Select(p => p.StopAsync(TimeSpan.FromSeconds(10))));
        if (_processes.Count > 0)
            await _processes[0].StopAsync(TimeSpan.FromSeconds(5));
        foreach (var p in _processes)
            p.Dispose();
        foreach (var (_, (_, client)) in _nodes)
            client.Dispose();
        _ca.Dispose();
    }
}
