using System.Diagnostics;
using ActorNet.Actors.Hosting;
using ActorNet.Actors.Messaging;
using ActorNet.Actors.Notices;
using ActorNet.Bench.Infrastructure;
using ActorNet.Protocol;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Pki;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

namespace ActorNet.Bench.Notices;

/// <summary>
/// The child side of notices-fanout's simulated bureaus: several bureaus in one process, each a whole ActorNet bureau
/// node but for HTTP. Every bureau has its own ActorSystem (a cluster member with roles <c>ncb</c> and <c>bureau-XX</c>, on
/// its own port, over TLS with its own CA-issued certificate), its own SQLite journal, its own keys enrolled with GS, and
/// the same actors a bureau node runs (<see cref="ActorNetHosting.WithBureauActors"/>: inbox, outbox, notice copies,
/// directory copy, audit log). Only the process is shared, so that 195 bureaus fit on two cores.
/// </summary>
/// <remarks>
/// Talks to the bench on standard output, one line an event: <c>SIM up XX</c> once bureau XX is Up in the cluster, and
/// <c>SIM copy XX NOTICE STATE TICKS</c> when XX's copy of a notice changed, TICKS being <see cref="Stopwatch.GetTimestamp"/>
/// (CLOCK_MONOTONIC on Linux, so comparable with the bench's own clock). Logs go to standard error, warnings and worse.
/// </remarks>
public static class SimulatedBureaus
{
    public const string Prefix = "SIM ";

    // Fewer threads per ActorSystem: two hundred systems with Akka's defaults would run thousands of idle threads.
    private static readonly Config Lean = ConfigurationFactory.ParseString("""
        akka.remote.dot-netty.tcp {
          server-socket-worker-pool { pool-size-min = 1, pool-size-max = 1 }
          client-socket-worker-pool { pool-size-min = 1, pool-size-max = 1 }
        }
        akka.remote.default-remote-dispatcher.executor = default-executor
        akka.remote.backoff-remote-dispatcher.executor = default-executor
        akka.actor.internal-dispatcher.executor = default-executor
        """);

    /// <summary><c>sim-bureaus --seed HOST:PORT --pki DIR --tls-password P --work DIR --bureaus AA,BB,... [--heartbeat-pause 15s] [--wave N]</c>:
    /// bureaus started N at a time, each wave Up before the next.</summary>
    public static async Task<int> RunAsync(Func<string, string?> option)
    {
        var seed = option("--seed") ?? throw new ArgumentException("sim-bureaus needs --seed HOST:PORT");
        var pki = option("--pki") ?? throw new ArgumentException("sim-bureaus needs --pki DIR");
        var password = option("--tls-password");
        var work = option("--work") ?? throw new ArgumentException("sim-bureaus needs --work DIR");
        var heartbeatPause = NodeOptions.ParseHeartbeatPause(option("--heartbeat-pause"));
        var waveSize = int.Parse(option("--wave") ?? "2");
        var bureaus = (option("--bureaus") ?? throw new ArgumentException("sim-bureaus needs --bureaus AA,BB"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries).Select(b => new BureauCode(b)).ToList();

        // Remoting, TLS handshakes and journals of dozens of systems share one thread pool: started at its default size it
        // grows a thread every half second while handshakes time out (seen: 47 bureaus, 11 threads, none joined); hundreds
        // at once thrash two cores (seen: load average 187, every bureau downed).
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
        Log.Logger = new LoggerConfiguration().MinimumLevel.Warning()
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose).CreateLogger();
        var output = TextWriter.Synchronized(Console.Out);
        var hosts = new List<IHost>();
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
        _ = Task.Run(() => { Console.In.ReadToEnd(); stop.Cancel(); }); // the bench closing our input means: stop

        // A few at a time, each wave Up before the next starts: dozens of systems starting at once in one process starve one
        // another's heartbeats until the failure detectors mark them unreachable, and nobody is ever Up; one at a time, a
        // join's gossip rounds make it take minutes.
        // The first alone: it compiles what the others then reuse.
        foreach (var wave in bureaus.Take(1).Chunk(1).Concat(bureaus.Skip(1).Chunk(waveSize)))
        {
            if (stop.IsCancellationRequested)
                break;
            var ups = new List<(BureauCode Bureau, TaskCompletionSource Up)>();
            foreach (var bureau in wave)
            {
                var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                hosts.Add(await StartAsync(bureau, seed, pki, password, heartbeatPause, Path.Combine(work, bureau.Value), output, up));
                ups.Add((bureau, up));
            }
            var all = Task.WhenAll(ups.Select(u => u.Up.Task));
            if (await Task.WhenAny(all, Task.Delay(UpBound, stop.Token)) != all)
                throw new TimeoutException($"simulated bureaus {string.Join(", ", ups.Where(u => !u.Up.Task.IsCompleted).Select(u => u.Bureau))} were not Up within {UpBound.TotalSeconds:0} s");
        }
        try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
        await Task.WhenAll(hosts.Select(h => h.StopAsync(TimeSpan.FromSeconds(10))));
        return 0;
    }

    private static readonly TimeSpan UpBound = TimeSpan.FromSeconds(120);

    private static async Task<IHost> StartAsync(BureauCode bureau, string seed, string pki, string? password, TimeSpan heartbeatPause, string data,
        TextWriter output, TaskCompletionSource up)
    {
        var storage = StorageSettings.Parse(null, data);
        await StoragePreparation.PrepareAsync(data, storage);
        var nodeId = NodeIdentity.LoadOrCreate(data);
        var crypto = BureauCrypto.LoadOrCreate(bureau, data);
        var tls = NetworkTls.Load(new TlsFiles(Path.Combine(pki, bureau.Value + ".p12"), password, Path.Combine(pki, NetworkCa.CertificateFile)),
            CertificateHolder.For(bureau));
        var version = AppVersion.Current;
        var remote = new RemoteEndpoint(Net.Loopback, Net.FreePort(), Net.Loopback);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Services.AddAkka(ActorNetHosting.SystemName, akka =>
        {
            akka.WithActorNetCluster(remote, [seed], ["ncb", bureau.Role], version, tls, heartbeatPause)
                .AddHocon(Lean, HoconAddMode.Prepend)
                .WithActorNetPersistence(storage)
                .WithAuditLog(bureau, nodeId, version, crypto)
                .WithBureauActors(bureau, nodeId, version, crypto, new DirectoryTrust(tls.Ca))
                .WithActors((system, _) =>
                {
                    var reporter = system.ActorOf(Props.Create(() => new CopyReporter(bureau, output)), "sim-reporter");
                    system.EventStream.Subscribe(reporter, typeof(NoticeChanged));
                    Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() =>
                    {
                        output.WriteLine($"{Prefix}up {bureau.Value}");
                        up.TrySetResult();
                    });
                });
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Reports each change of this bureau's notice copies, with the moment it was seen.</summary>
    private sealed class CopyReporter : ReceiveActor
    {
        public CopyReporter(BureauCode bureau, TextWriter output) =>
            Receive<NoticeChanged>(c => output.WriteLine($"{Prefix}copy {bureau.Value} {c.NoticeId.Value} {c.State} {Stopwatch.GetTimestamp()}"));
    }
}
