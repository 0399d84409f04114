using System.Diagnostics;
using ActorNet.Bench.Infrastructure;
using Akka.Actor;

namespace ActorNet.Bench.PingPong;

/// <summary>
/// Akka's RemotePingPong across two OS processes: N clients here, one echo actor each in a child process,
/// every client keeping a window of messages outstanding. Counts round trips per second.
/// </summary>
public static class PingPongScenario
{
    public static readonly int[] ClientCounts = [1, 4, 8, 16];
    public const int Window = 30;
    public const int Repeats = 3;

    /// <summary>The child side: <c>echo --port P</c>. Exits when its standard input closes, so it never outlives the bench.</summary>
    public static async Task<int> RunEchoAsync(int port)
    {
        using var system = ActorSystem.Create(PingPongConfig.SystemName, PingPongConfig.For(port));
        for (var i = 0; i < ClientCounts.Max(); i++)
            system.ActorOf(Akka.Actor.Props.Create<EchoActor>(), $"echo-{i}");
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();
        await system.Terminate();
        return 0;
    }

    public static async Task RunAsync(Report report, int totalRoundTrips, string workDirectory)
    {
        var port = Net.FreePort();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var echo = ChildProcess.StartSelf("echo", ["echo", "--port", port.ToString()], Path.Combine(workDirectory, "echo.log"),
            line => { if (line == "ready") ready.TrySetResult(); });
        using var system = ActorSystem.Create(PingPongConfig.SystemName, PingPongConfig.For(0));
        try
        {
            if (await Task.WhenAny(ready.Task, Task.Delay(TimeSpan.FromSeconds(30))) != ready.Task)
                throw new TimeoutException($"echo process not ready in 30 s:\n{echo.Tail()}");

            var echoes = new IActorRef[ClientCounts.Max()];
            for (var i = 0; i < echoes.Length; i++)
                echoes[i] = await system.ActorSelection($"akka.tcp://{PingPongConfig.SystemName}@127.0.0.1:{port}/user/echo-{i}")
                    .ResolveOne(TimeSpan.FromSeconds(10));

            var variants = PingPongVariant.All();
            foreach (var v in variants)
            {
                var serializer = system.Serialization.FindSerializerFor(v.Message);
                var bytes = serializer.ToBinary(v.Message).Length;
                report.Note($"pingpong {v.Name}: {v.Description}; serializer {serializer.GetType().Name}, {bytes} bytes serialized");
            }

            // Warm up every path once (JIT, connection, buffers) before anything is timed.
            foreach (var v in variants)
                await RoundAsync(system, echoes, v.Message, clients: 4, totalRoundTrips: totalRoundTrips / 4);

            // Repeats outermost and variants innermost, so a burst of load from elsewhere hits all variants alike.
            var best = new Dictionary<(string Variant, int Clients), double>();
            var all = new Dictionary<string, List<double>>();
            for (var repeat = 1; repeat <= Repeats; repeat++)
                foreach (var clients in ClientCounts)
                    foreach (var v in variants)
                    {
                        var rate = await RoundAsync(system, echoes, v.Message, clients, totalRoundTrips);
                        best[(v.Name, clients)] = Math.Max(best.GetValueOrDefault((v.Name, clients)), rate);
                        (all.TryGetValue($"{v.Name}/{clients}", out var list) ? list : all[$"{v.Name}/{clients}"] = []).Add(Math.Round(rate));
                        Console.Error.WriteLine($"    run {repeat} {v.Name} clients={clients}: {rate:N0} round trips/s (load {Machine.LoadAverage()})");
                    }
            report.Details["pingpongRuns"] = all;

            foreach (var clients in ClientCounts)
            {
                var a = best[("a-bytes", clients)];
                var b = best[("b-probe", clients)];
                var c = best[("c-json", clients)];
                report.Add(new("pingpong", $"(a) byte[] 1 KiB, {clients} clients × {Window}", a, "round trips/s"));
                report.Add(new("pingpong", $"(b) Probe via ActorNetSerializer, {clients} clients × {Window}", b, "round trips/s"));
                report.Add(new("pingpong", $"(c) record via default JSON, {clients} clients × {Window}", c, "round trips/s"));
                report.Add(new("pingpong", $"(b)/(a), {clients} clients", b / a * 100, "%", "≥ 80 %", b / a >= 0.8));
                report.Add(new("pingpong", $"(c)/(a), {clients} clients", c / a * 100, "%"));
            }
            var peakA = ClientCounts.Max(n => best[("a-bytes", n)]);
            var peakB = ClientCounts.Max(n => best[("b-probe", n)]);
            report.Add(new("pingpong", "(b)/(a) at each variant's best client count", peakB / peakA * 100, "%", "≥ 80 %", peakB / peakA >= 0.8));
        }
        finally
        {
            await system.Terminate();
            echo.Kill();
        }
    }

    /// <summary>One timed round: <paramref name="totalRoundTrips"/> split evenly over the clients. Returns round trips per second.</summary>
    private static async Task<double> RoundAsync(ActorSystem system, IActorRef[] echoes, object message, int clients, int totalRoundTrips)
    {
        var perClient = totalRoundTrips / clients;
        var done = new TaskCompletionSource[clients];
        var actors = new IActorRef[clients];
        for (var i = 0; i < clients; i++)
        {
            done[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            actors[i] = system.ActorOf(PingClient.Props(echoes[i], message, perClient, Window, done[i]));
        }
        var watch = Stopwatch.StartNew();
        foreach (var actor in actors)
            actor.Tell(PingClient.Go.Instance);
        var all = Task.WhenAll(done.Select(d => d.Task));
        if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(120))) != all)
            throw new TimeoutException($"{clients} clients did not finish {perClient} round trips each in 120 s");
        watch.Stop();
        foreach (var actor in actors)
            system.Stop(actor);
        return perClient * clients / watch.Elapsed.TotalSeconds;
    }
}
