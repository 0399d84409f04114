using ActorNet.Bench.Cluster;
using ActorNet.Bench.Infrastructure;
using ActorNet.Bench.Messaging;
using ActorNet.Bench.NoticeSearch;
using ActorNet.Bench.PingPong;
using ActorNet.Bench.Sealing;
using ActorNet.Bench.Startup;
using ActorNet.Bench.Wire;

const string usage = """
    usage: ActorNet.Bench <scenario> [--json PATH] [--messages N] [--repo DIR]
      scenarios: pingpong, startup, cluster12, wire, all (those four),
                 messaging (throughput, latency, fan-out; TLS, SQLite), messaging-p2p (throughput and latency), messaging-fanout,
                 offline100k (100,000 queued for an offline recipient), noticesearch (100,000 notices in the name index),
                 noticesearch-http (GET /api/notices?q= against a node holding 100,000 notices; --messages sets how many),
                 notices-fanout (red notices requested at FR, approved at GS, timed into every bureau node's copy),
                 sealing (seal and open FR -> US in one process: CPU per envelope)
      --json PATH     also write the results as JSON
      --messages N    round trips per pingpong run, messages in the messaging throughput run, messages queued by offline100k (default 100000)
      --window N      messages awaiting their 202 at most, in the messaging throughput, latency and fan-out runs (default 256, as PeerBench)
      --batch N       messages per POST /api/messages/batch in the messaging throughput and fan-out runs (default 32; 1 = single sends)
      --fanout N      recipient bureaus in the fan-out (default 50, at most 50)
      --node-each     fan-out: each recipient its own node process (default: all hosted on one member, two bureau nodes as issue 3 says)
      --rate N        messages per second in the messaging latency run (default 1000)
      --client C      the messaging latency run's client: lean (raw HTTP/1.1, one reading thread; the default) or httpclient
      --warmup N      messages sent and thrown away before the messaging throughput run (default 2000, as PeerBench)
      --bureaus N     notices-fanout: bureau nodes besides GS, FR included (default 10, at most 51)
      --notices N     notices-fanout: red notices timed after one warm-up (default 20)
      --simulated N   notices-fanout: simulated bureaus beside the real ones (default 0; 185 with --bureaus 10 makes 195)
      --per-host N    notices-fanout: simulated bureaus a host process runs, on one cluster member (default 65)
      --repo DIR      repository root, where src/Node and src/Lighthouse are built (default: found from this program)
    compare --ours JSON,... [--peers SUMMARY.json] [--peer-runs RUN.json,...]: the side-by-side table of ActorNet and PeerBench (../shared/peers);
                 several messaging files are rounds (medians shown), each judged against the PeerBench run of its round
    tail-census --trace FILE --csv FILE --pids NAME=PID,... [--over MS] [--clusters]: why the latency run's slow sends (over MS,
                 default 10) were slow, from perf's scheduler events (bench/tail-census.sh records them and calls this)
    internal: echo --port P   (the child side of pingpong)
              sim-bureaus --seed HOST:PORT --pki DIR --tls-password P --work DIR --bureaus AA,BB   (hosted bureaus for notices-fanout and messaging-fanout)
    environment: ACTORNET_BENCH_LATENCY_CSV=FILE   messaging: each single send's time, latency and send → 202
                 ACTORNET_BENCH_FANOUT_CSV=FILE    messaging-fanout: each message's send and its first, middle and last read
                 ACTORNET_BENCH_SIM_GC=FILE        the member hosting simulated bureaus: its collections, pauses and heap every 50 ms
                 ACTORNET_BENCH_KEEP=1             keeps the work directory (logs, databases) after the run
    """;

if (args.Length == 0 || args[0] is "--help" or "-h")
{
    Console.WriteLine(usage);
    return args.Length == 0 ? 2 : 0;
}

if (args[0] == "echo")
    return await PingPongScenario.RunEchoAsync(int.Parse(Option("--port") ?? throw new ArgumentException("echo needs --port")));

if (args[0] == "sim-bureaus")
    return await ActorNet.Bench.Notices.SimulatedBureaus.RunAsync(Option);

if (args[0] == "tail-census")
    return ActorNet.Bench.Tail.TailCensus.Run(Option, args.Contains("--clusters"));

if (args[0] == "compare")
    return Comparison.Print(Option("--ours") ?? throw new ArgumentException("compare needs --ours"), Option("--peers"), Option("--peer-runs"));

string[] everyday = ["pingpong", "startup", "cluster12", "wire"];
string[] known = [.. everyday, "messaging", "messaging-p2p", "messaging-fanout", "offline100k", "noticesearch", "noticesearch-http", "notices-fanout", "sealing", "all"];
if (!known.Contains(args[0]))
{
    Console.Error.WriteLine($"unknown scenario '{args[0]}'\n{usage}");
    return 2;
}
var scenarios = args[0] == "all" ? everyday : [args[0]];
if (Option("--client") is { } client && client is not ("lean" or "httpclient"))
{
    Console.Error.WriteLine($"--client is 'lean' (one reading thread on raw sockets, the default) or 'httpclient', not '{client}'");
    return 2;
}
var messages = int.Parse(Option("--messages") ?? "100000");
var messaging = new MessagingOptions(Messages: messages, Window: int.Parse(Option("--window") ?? "256"), Batch: int.Parse(Option("--batch") ?? "32"), Rate: int.Parse(Option("--rate") ?? "1000"),
    Warmup: int.Parse(Option("--warmup") ?? "2000"),
    FanoutRecipients: Math.Clamp(int.Parse(Option("--fanout") ?? "50"), 1, MessagingScenario.FanoutBureaus.Length),
    HostedRecipients: !args.Contains("--node-each"),
    HttpClientLatency: Option("--client") == "httpclient");
var repo = Option("--repo") ?? FindRepositoryRoot();
var json = Option("--json");

var machine = new Machine();
var report = new Report();
var work = Directory.CreateTempSubdirectory("actornet-bench-").FullName;
var failed = false;
Console.Error.WriteLine($"ActorNet bench: {string.Join(", ", scenarios)}; load {machine.LoadBefore}; machine speed {Report.Format(machine.CpuSpeedBefore)} ({Machine.CpuSpeedUnit}); work dir {work}");
try
{
    foreach (var scenario in scenarios)
    {
        Console.Error.WriteLine($"== {scenario}");
        try
        {
            switch (scenario)
            {
                case "pingpong": await PingPongScenario.RunAsync(report, messages, work); break;
                case "startup": await StartupScenario.RunAsync(report, new Binaries(repo), work); break;
                case "cluster12": await Cluster12Scenario.RunAsync(report, new Binaries(repo), work); break;
                case "wire": WireScenario.Run(report); break;
                case "sealing": SealingScenario.Run(report); break;
                case "offline100k": await ActorNet.Bench.Offline.Offline100kScenario.RunAsync(report, new Binaries(repo), work, messages); break;
                case "messaging": await MessagingScenario.RunAsync(report, new Binaries(repo), work, messaging, pointToPoint: true, fanout: true); break;
                case "messaging-p2p": await MessagingScenario.RunAsync(report, new Binaries(repo), work, messaging, pointToPoint: true, fanout: false); break;
                case "messaging-fanout": await MessagingScenario.RunAsync(report, new Binaries(repo), work, messaging, pointToPoint: false, fanout: true); break;
                case "noticesearch": NoticeSearchScenario.Run(report); break;
                case "noticesearch-http": await NoticeSearchHttpScenario.RunAsync(report, new Binaries(repo), work, messages); break;
                case "notices-fanout":
                    await ActorNet.Bench.Notices.NoticesFanoutScenario.RunAsync(report, new Binaries(repo), work,
                        int.Parse(Option("--bureaus") ?? "10"), int.Parse(Option("--notices") ?? "20"),
                        int.Parse(Option("--simulated") ?? "0"), int.Parse(Option("--per-host") ?? "65"));
                    break;
            }
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or IOException or HttpRequestException or Akka.Actor.ActorNotFoundException)
        {
            failed = true;
            report.Note($"{scenario} failed: {e.Message}");
        }
    }
}
finally
{
    ChildProcess.KillAll();
    // ACTORNET_BENCH_KEEP=1 keeps the work directory (every process's log) for a look after a failed run.
    if (Environment.GetEnvironmentVariable("ACTORNET_BENCH_KEEP") != "1")
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
}

machine.LoadAfter = Machine.LoadAverage();
machine.CpuSpeedAfter = Machine.MeasureCpuSpeed();
var command = "ActorNet.Bench " + string.Join(' ', args);
Console.WriteLine(report.Markdown(machine));
if (json is not null)
{
    report.WriteJson(json, machine, command);
    Console.Error.WriteLine($"JSON written to {json}");
}
return failed ? 1 : 0;

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "ActorNet.sln")))
            return dir.FullName;
    return Directory.GetCurrentDirectory();
}
