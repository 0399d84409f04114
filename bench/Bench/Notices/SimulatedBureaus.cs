using System.Diagnostics;
using ActorNet.Actors.Hosting;
using ActorNet.Actors.Messaging;
using ActorNet.Actors.Messaging.Bulk;
using ActorNet.Actors.Notices;
using ActorNet.Bench.Infrastructure;
using ActorNet.Protocol;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Messaging;
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
                .WithBulkChannel(new BulkEndpoint(Net.Loopback, 0, Net.Loopback), tls)
                .WithActorNetPersistence(storage)
                .WithAuditLog(bureaus[0], nodeId, version, cryptos[0])
                .WithHostedBureaus(cryptos, nodeId, version, new DirectoryTrust(tls.Ca))
                .WithActors((system, _) =>
                {
                    var reporter = system.ActorOf(Props.Create(() => new CopyReporter(output)), "sim-reporter");
                    system.EventStream.Subscribe(reporter, typeof(NoticeChanged));
                    var readers = system.ActorOf(Props.Create(() => new InboxReaders(cryptos, output)), "sim-readers");
                    system.EventStream.Subscribe(readers, typeof(MessageArrived));
                    Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() =>
                    {
                        foreach (var bureau in bureaus)
                            output.WriteLine($"{Prefix}up {bureau.Value}");
                    });
                });
        });
        using var host = builder.Build();
        await host.StartAsync();
        if (Environment.GetEnvironmentVariable("ACTORNET_BENCH_SIM_GC") is { Length: > 0 } gcTimeline)
            _ = WriteGcTimelineAsync(gcTimeline, stop.Token);
        try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
        await host.StopAsync(TimeSpan.FromSeconds(10));
        return 0;
    }

    /// <summary>
    /// Every 50 ms until <paramref name="stop"/>, a line of this process's collector figures: the Stopwatch timestamp (to line up
    /// with the fan-out's read timeline), collections of each generation so far, their total pause, bytes allocated, heap and
    /// committed MiB. Where the hosting member's time goes when it is not in our code.
    /// </summary>
    private static async Task WriteGcTimelineAsync(string path, CancellationToken stop)
    {
        await using var writer = new StreamWriter(path);
        await writer.WriteLineAsync("timestamp gen0 gen1 gen2 pause_ms allocated_mib heap_mib committed_mib");
        while (!stop.IsCancellationRequested)
        {
            var info = GC.GetGCMemoryInfo(GCKind.Any);
            await writer.WriteLineAsync($"{Stopwatch.GetTimestamp()} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} " +
                $"{GC.GetTotalPauseDuration().TotalMilliseconds:F0} {GC.GetTotalAllocatedBytes() >> 20} {GC.GetTotalMemory(false) >> 20} {info.TotalCommittedBytes >> 20}");
            await writer.FlushAsync(CancellationToken.None);
            try { await Task.Delay(50, stop); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>
    /// Reads each hosted bureau's inbox as an officer's client does through <c>GET /api/messages/inbox?after=</c>: on each
    /// arrival, the next page, every message opened for its reader (<see cref="BureauCrypto.OpenForReader"/>) and marked
    /// read, which sends the read receipt. Prints <c>SIM msg XX SUBJECT TICKS</c> for each opened message. One child a bureau,
    /// the parent subscribed to the arrivals once for all of them.
    /// </summary>
    private sealed class InboxReaders : ReceiveActor
    {
        public InboxReaders(IReadOnlyList<BureauCrypto> bureaus, TextWriter output)
        {
            var readers = bureaus.ToDictionary(c => c.Bureau, c => Context.ActorOf(Props.Create(() => new Reader(c, output)), c.Bureau.Value));
            Receive<MessageArrived>(m => readers.GetValueOrDefault(m.Holder)?.Tell(m));
        }

        private sealed class Reader : ReceiveActor
        {
            private const int PageSize = 1000;
            private string? _after;
            private bool _reading, _more;

            public Reader(BureauCrypto crypto, TextWriter output)
            {
                var bureau = crypto.Bureau;
                var inbox = Context.ActorSelection("/user/" + ActorNetHosting.HostedName(InboxActor.Name, bureau));
                void Read()
                {
                    (_reading, _more) = (true, false);
                    inbox.Tell(new InboxQueries.List(bureau, _after, PageSize));
                }
                Receive<MessageArrived>(_ =>
                {
                    if (_reading) _more = true;
                    else Read();
                });
                Receive<InboxQueries.Page>(page =>
                {
                    _reading = false;
                    if (page.Items.Count > 0)
                    {
                        // One write a page: a line written alone is a system call, and this process is also the recipients' node.
                        var lines = new System.Text.StringBuilder();
                        foreach (var item in page.Items)
                        {
                            var opened = crypto.OpenForReader(item);
                            lines.Append(opened.IsOpened
                                ? $"{Prefix}msg {bureau.Value} {opened.Payload!.Subject} {Stopwatch.GetTimestamp()}\n"
                                : $"{Prefix}refused {bureau.Value} {item.Id} {opened.Outcome}\n");
                        }
                        output.Write(lines.ToString());
                        _after = page.Items[^1].Id;
                        inbox.Tell(new InboxCommands.MarkRead(bureau, page.Items.Select(i => i.Id).ToArray()));
                    }
                    if (_more || page.Items.Count == PageSize)
                        Read();
                });
            }
        }
    }

    /// <summary>Reports each change of a hosted bureau's notice copies, with the moment it was seen.</summary>
    private sealed class CopyReporter : ReceiveActor
    {
        public CopyReporter(TextWriter output) =>
            Receive<NoticeChanged>(c => output.WriteLine($"{Prefix}copy {c.Holder.Value} {c.NoticeId.Value} {c.State} {Stopwatch.GetTimestamp()}"));
    }
}
