using System.Diagnostics;
using ActorNet.Actors.Hosting;
using ActorNet.Actors.Messaging;
using ActorNet.Actors.Notices;
using ActorNet.Bench.Infrastructure;
using ActorNet.Protocol;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Pki;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

namespace ActorNet.Bench.Notices;

/// <summary>
/// The child side of notices-fanout's simulated bureaus: several bureaus in one process, on one cluster member (roles
/// <c>ncb</c> and a <c>bureau-XX</c> for each, over TLS with a CA-issued certificate, one SQLite journal), each with its own
/// keys enrolled with GS and the actors a bureau node runs for it (<see cref="ActorNetHosting.WithHostedBureaus"/>: inbox,
/// outbox, notice copies, bureau actor; the member's directory copy and audit log shared). No HTTP. One member for many
/// bureaus, because two cores hold a cluster of some tens of members, not two hundred.
/// </summary>
/// <remarks>
/// Talks to the bench on standard output, one line an event: <c>SIM up XX</c> for each bureau once the member is Up, and
/// <c>SIM copy XX NOTICE STATE TICKS</c> when XX's copy of a notice changed, TICKS being <see cref="Stopwatch.GetTimestamp"/>
/// (CLOCK_MONOTONIC on Linux, so comparable with the bench's own clock). Logs go to standard error, warnings and worse.
/// </remarks>
public static class SimulatedBureaus
{
    public const string Prefix = "SIM ";

    /// <summary><c>sim-bureaus --seed HOST:PORT --pki DIR --tls-password P --work DIR --bureaus AA,BB,... [--heartbeat-pause 15s]</c>.</summary>
    public static async Task<int> RunAsync(Func<string, string?> option)
    {
        var seed = option("--seed") ?? throw new ArgumentException("sim-bureaus needs --seed HOST:PORT");
        var pki = option("--pki") ?? throw new ArgumentException("sim-bureaus needs --pki DIR");
        var password = option("--tls-password");
        var work = option("--work") ?? throw new ArgumentException("sim-bureaus needs --work DIR");
        var heartbeatPause = NodeOptions.ParseHeartbeatPause(option("--heartbeat-pause"));
        var bureaus = (option("--bureaus") ?? throw new ArgumentException("sim-bureaus needs --bureaus AA,BB"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries).Select(b => new BureauCode(b)).ToList();

        Log.Logger = new LoggerConfiguration().MinimumLevel.Warning()
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose).CreateLogger();
        var output = TextWriter.Synchronized(Console.Out);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
        _ = Task.Run(() => { Console.In.ReadToEnd(); stop.Cancel(); }); // the bench closing our input means: stop

        var storage = StorageSettings.Parse(null, work);
        await StoragePreparation.PrepareAsync(work, storage);
        var nodeId = NodeIdentity.LoadOrCreate(work);
        var keys = new PublicKeyDirectory();
        var cryptos = bureaus.Select(b => BureauCrypto.LoadOrCreate(b, Path.Combine(work, "bureaus", b.Value), keys)).ToList();
        // The member presents the first bureau's certificate: TLS says it belongs to the network; its roles say whom it hosts.
        var tls = NetworkTls.Load(new TlsFiles(Path.Combine(pki, bureaus[0].Value + ".p12"), password, Path.Combine(pki, NetworkCa.CertificateFile)),
            CertificateHolder.For(bureaus[0]));
        var version = AppVersion.Current;
        var remote = new RemoteEndpoint(Net.Loopback, Net.FreePort(), Net.Loopback);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Services.AddAkka(ActorNetHosting.SystemName, akka =>
        {
            akka.WithActorNetCluster(remote, [seed], ["ncb", .. bureaus.Select(b => b.Role)], version, tls, heartbeatPause)
                .WithActorNetPersistence(storage)
                .WithAuditLog(bureaus[0], nodeId, version, cryptos[0])
                .WithHostedBureaus(cryptos, nodeId, version, new DirectoryTrust(tls.Ca))
                .WithActors((system, _) =>
                {
                    var reporter = system.ActorOf(Props.Create(() => new CopyReporter(output)), "sim-reporter");
                    system.EventStream.Subscribe(reporter, typeof(NoticeChanged));
                    Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() =>
                    {
                        foreach (var bureau in bureaus)
                            output.WriteLine($"{Prefix}up {bureau.Value}");
                    });
                });
        });
        using var host = builder.Build();
        await host.StartAsync();
        try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
        await host.StopAsync(TimeSpan.FromSeconds(10));
        return 0;
    }

    /// <summary>Reports each change of a hosted bureau's notice copies, with the moment it was seen.</summary>
    private sealed class CopyReporter : ReceiveActor
    {
        public CopyReporter(TextWriter output) =>
            Receive<NoticeChanged>(c => output.WriteLine($"{Prefix}copy {c.Holder.Value} {c.NoticeId.Value} {c.State} {Stopwatch.GetTimestamp()}"));
    }
}
