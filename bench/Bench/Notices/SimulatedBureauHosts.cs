using System.Collections.Concurrent;
using System.Diagnostics;
using ActorNet.Bench.Infrastructure;
using ActorNet.Bench.Messaging;
using ActorNet.Protocol;

namespace ActorNet.Bench.Notices;

/// <summary>
/// The bench's side of the simulated bureaus: a few processes running <see cref="SimulatedBureaus"/>, joined to a
/// <see cref="MessagingNetwork"/>'s cluster, each bureau with a certificate from the network's CA. Learns from their output
/// when each bureau is Up and when each copy of a notice changed.
/// </summary>
public sealed class SimulatedBureauHosts : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private readonly List<ChildProcess> _hosts = [];
    private readonly ConcurrentDictionary<string, bool> _up = new();
    private readonly ConcurrentDictionary<(string Bureau, string Notice, string State), long> _copies = new();

    private SimulatedBureauHosts(IReadOnlyList<string> bureaus, string data) => (Bureaus, DataDirectory) = (bureaus, data);

    public IReadOnlyList<string> Bureaus { get; }
    /// <summary>Where the simulated bureaus' keys and journals are (removed at the end).</summary>
    public string DataDirectory { get; }
    public IReadOnlyList<ChildProcess> Processes => _hosts;

    /// <summary>Bureau codes for <paramref name="count"/> simulated bureaus: every assigned code in turn but GS and <paramref name="taken"/>.</summary>
    public static IReadOnlyList<string> Codes(IEnumerable<string> taken, int count)
    {
        var skip = taken.Append(BureauCode.SecretariatCode).ToHashSet();
        var codes = BureauCode.Codes.Where(c => !skip.Contains(c)).Take(count).ToList();
        return codes.Count == count ? codes
            : throw new ArgumentException($"only {codes.Count} bureau codes are left for simulated bureaus, not {count}");
    }

    /// <summary>Starts the hosts, <paramref name="perHost"/> bureaus each; returns once every bureau is Up and GS holds its keys.</summary>
    public static async Task<SimulatedBureauHosts> StartAsync(MessagingNetwork network, string work, IReadOnlyList<string> bureaus, int perHost, TimeSpan bound)
    {
        var hosts = new SimulatedBureauHosts(bureaus, work);
        try
        {
            var launch = Stopwatch.GetTimestamp();
            foreach (var bureau in bureaus)
                network.IssueCertificate(bureau);
            foreach (var (slice, i) in bureaus.Chunk(perHost).Select((s, i) => (s, i)))
            {
                var dir = Path.Combine(work, $"sim{i}");
                Directory.CreateDirectory(dir);
                hosts._hosts.Add(ChildProcess.StartSelf($"sim{i}",
                    ["sim-bureaus", "--seed", network.Seed, "--pki", network.Pki, "--tls-password", MessagingNetwork.Password, "--work", dir,
                        "--bureaus", string.Join(',', slice), .. network.HeartbeatPause is { } pause ? new[] { "--heartbeat-pause", pause } : []],
                    Path.Combine(work, $"sim{i}.log"), hosts.OnLine));
                // The next host starts once this one has its first bureau Up: a host's first start is spent compiling Akka,
                // and several compiling at once on two cores starve the cluster's heartbeats until SBR downs them.
                await hosts.UntilAsync(() => slice.Any(hosts._up.ContainsKey), launch, bound, $"{slice[0]}, the first bureau of host sim{i}, to be Up");
            }
            await hosts.UntilAsync(() => hosts._up.Count == bureaus.Count, launch, bound, $"all {bureaus.Count} simulated bureaus to be Up");
            Console.Error.WriteLine($"    all {bureaus.Count} simulated bureaus Up {Net.SecondsSince(launch):0.0} s after launch");
            await network.WaitForKeysAsync("GS", bureaus.ToHashSet(), launch, bound);
            hosts.StartedIn = Net.SecondsSince(launch);
            Console.Error.WriteLine($"    GS holds all {bureaus.Count} simulated bureaus' keys {hosts.StartedIn:0.0} s after launch");
            return hosts;
        }
        catch
        {
            await hosts.DisposeAsync();
            throw;
        }
    }

    private int _reported;

    private async Task UntilAsync(Func<bool> condition, long launch, TimeSpan bound, string what)
    {
        while (!condition())
        {
            if (_hosts.FirstOrDefault(h => h.HasExited) is { } dead)
                throw new InvalidOperationException($"simulated bureau host {dead.Name} exited:\n{dead.Tail()}");
            if (Stopwatch.GetElapsedTime(launch) > bound)
                throw new TimeoutException($"waited {bound.TotalSeconds:0} s for {what}; {_up.Count} of {Bureaus.Count} are Up");
            if (_up.Count >= _reported + 20)
            {
                _reported = _up.Count;
                Console.Error.WriteLine($"    {_reported} simulated bureaus Up {Net.SecondsSince(launch):0.0} s after launch (load {Machine.LoadAverage()})");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>Seconds from launching the hosts until every simulated bureau was Up and GS held its keys.</summary>
    public double StartedIn { get; private set; }

    /// <summary>Seconds after <paramref name="start"/> at which each simulated bureau's copy of the notice reached <paramref name="state"/>.</summary>
    public async Task<double[]> ReachedAsync(string notice, string state, long start, TimeSpan bound)
    {
        var until = Stopwatch.GetTimestamp() + (long)(bound.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var missing = Bureaus.Where(b => !_copies.ContainsKey((b, notice, state))).ToList();
            if (missing.Count == 0)
                return Bureaus.Select(b => (double)(_copies[(b, notice, state)] - start) / Stopwatch.Frequency).ToArray();
            if (Stopwatch.GetTimestamp() > until)
                throw new TimeoutException($"waited {bound.TotalSeconds:0} s for notice {notice} to be {state} in {missing.Count} simulated bureaus' copies, {string.Join(", ", missing.Take(10))} among them");
            await Task.Delay(Poll);
        }
    }

    private volatile Action<string, string, long>[] _messageListeners = [];

    /// <summary>Calls <paramref name="listener"/>(bureau, subject, ticks) for each message a hosted bureau's reader opened; returns how to stop.</summary>
    public Action OnMessage(Action<string, string, long> listener)
    {
        lock (_copies)
            _messageListeners = [.. _messageListeners, listener];
        return () =>
        {
            lock (_copies)
                _messageListeners = _messageListeners.Where(l => l != listener).ToArray();
        };
    }

    /// <summary>User+system CPU seconds so far, per host process.</summary>
    public Dictionary<string, double> CpuSeconds() => _hosts.ToDictionary(p => p.Name, p => p.CpuSeconds() ?? double.NaN);

    private void OnLine(string line)
    {
        if (!line.StartsWith(SimulatedBureaus.Prefix, StringComparison.Ordinal))
            return;
        var parts = line[SimulatedBureaus.Prefix.Length..].Split(' ');
        switch (parts)
        {
            case ["up", var bureau]:
                _up[bureau] = true;
                break;
            case ["copy", var bureau, var notice, var state, var ticks] when long.TryParse(ticks, out var at):
                _copies.TryAdd((bureau, notice, state), at);
                break;
            case ["msg", var bureau, var tag, var seq, var ticks] when long.TryParse(ticks, out var at):
                foreach (var listener in _messageListeners)
                    listener(bureau, tag + " " + seq, at);
                break;
            case ["refused", ..]:
                Console.Error.WriteLine($"    simulated bureau reader: {line}");
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_hosts.Select(h => h.StopAsync(TimeSpan.FromSeconds(20))));
        foreach (var h in _hosts)
            h.Dispose();
        if (Environment.GetEnvironmentVariable("ACTORNET_BENCH_KEEP") != "1")
            try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
