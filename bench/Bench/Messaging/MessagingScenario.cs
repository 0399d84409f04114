using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActorNet.Bench.Infrastructure;
using ActorNet.Bench.Notices;
using ActorNet.Protocol.Api;

namespace ActorNet.Bench.Messaging;

/// <summary>The knobs of the messaging scenarios; the defaults are PeerBench's (../shared/peers).</summary>
public sealed record MessagingOptions(
    int Messages = 100_000, int Window = 256, int Batch = 32, int Warmup = 2_000,
    int Rate = 1_000, int Seconds = 20,
    int FanoutRecipients = 50, int FanoutMessages = 1_000, bool HostedRecipients = true, bool HttpClientLatency = false);

/// <summary>
/// PeerBench's three scenarios on ActorNet: sealed (signed, end-to-end encrypted), persisted (SQLite on each side) and
/// acknowledged messages between bureau nodes over TLS. Sent by <c>POST /api/messages[/batch]</c> on the sender's node,
/// received by an <see cref="InboxFollower"/> on each recipient's node; one bench process holds both clients, so one clock.
/// </summary>
public static class MessagingScenario
{
    public const string Sender = "FR", Recipient = "US";
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(240);
    private static readonly TimeSpan FanoutStartBound = TimeSpan.FromSeconds(600);
    private static readonly string Body = Convert.ToBase64String(RandomNumberGenerator.GetBytes(768)); // 1,024 characters

    /// <summary>Fifty recipient bureaus for the fan-out (the sender, FR, is not among them).</summary>
    public static readonly string[] FanoutBureaus =
        ("US DE ES IT GB NL BE PT CH AT SE NO DK FI IE PL CZ SK HU RO BG GR HR SI RS " +
         "BA ME MK AL TR CY MT LU LI MC EE LV LT UA MD CA MX BR AR CL JP KR AU NZ ZA").Split(' ');

    public static async Task RunAsync(Report report, Binaries binaries, string work, MessagingOptions options, bool pointToPoint, bool fanout)
    {
        if (pointToPoint)
        {
            await using var network = await MessagingNetwork.StartAsync(binaries, Path.Combine(work, "messaging"), Sender, [Recipient], StartBound);
            report.Note($"messaging: Lighthouse, GS, {Sender} and {Recipient} on TLS with SQLite; ready and keyed {network.StartedIn:0.0} s after launch");
            await ThroughputAsync(report, network, options);
            await LatencyAsync(report, network, options);
        }
        if (fanout && options.HostedRecipients)
        {
            // Two bureau nodes, as the issue's scenarios: FR, and one member hosting the fifty recipient bureaus.
            var recipients = FanoutBureaus[..options.FanoutRecipients];
            var launch = Stopwatch.GetTimestamp();
            await using var network = await MessagingNetwork.StartAsync(binaries, Path.Combine(work, "fanout"), Sender, [], StartBound);
            await using var hosted = await SimulatedBureauHosts.StartAsync(network, Path.Combine(work, "hosted"), recipients, recipients.Length, FanoutStartBound);
            await network.WaitForKeysAsync(Sender, recipients.Append(Sender).ToHashSet(), launch, FanoutStartBound);
            report.Add(new("messaging-fanout", $"launch → {Sender} ready and holding the keys of {recipients.Length} recipients hosted on one member", Net.SecondsSince(launch), "s",
                Detail: $"Lighthouse, GS, {Sender} and one member hosting {recipients.Length} recipient bureaus (WithHostedBureaus: each its own keys, inbox, outbox; one SQLite journal on disk), TLS"));
            await FanoutAsync(report, network, recipients, options, hosted);
        }
        else if (fanout)
        {
            var recipients = FanoutBureaus[..options.FanoutRecipients];
            await using var network = await MessagingNetwork.StartAsync(binaries, Path.Combine(work, "fanout"), Sender, recipients, FanoutStartBound);
            report.Add(new("messaging-fanout", $"launch → {recipients.Length + 2} nodes ready and {Sender} holding every recipient's keys", network.StartedIn, "s",
                Detail: $"{recipients.Length + 3} real processes: Lighthouse, GS, {Sender} and {recipients.Length} recipient bureau nodes, TLS, SQLite each"));
            await FanoutAsync(report, network, recipients, options);
        }
    }

    /// <summary>(a) N messages from A to B, at most <c>Window</c> without a 202, in batch requests of <c>Batch</c>; first send → last message read at B.</summary>
    private static async Task ThroughputAsync(Report report, MessagingNetwork network, MessagingOptions o)
    {
        await using (var warm = await Run.StartAsync(network, [Recipient], "warm", o.Warmup))
        {
            await warm.SendWindowedAsync(network.Http(Sender), o.Window, o.Batch);
            await warm.AllReceivedAsync(TimeSpan.FromSeconds(120));
        }
        // The warm-up goes both ways the scenarios send, in batches and singly (the peers' warm-up goes their one way to
        // publish): otherwise the latency run's first sends compiled the single-message endpoint's code.
        await using (var warm = await Run.StartAsync(network, [Recipient], "warm1", Math.Min(o.Warmup, o.Rate / 2)))
        {
            await warm.SendOpenLoopAsync(network.Http(Sender), o.Rate, o.Window);
            await warm.AllReceivedAsync(TimeSpan.FromSeconds(120));
        }

        // Counted from once the client has caught up with the inbox: reading what the warm-up left is not part of the run.
        await using var run = await Run.StartAsync(network, [Recipient], "tput", o.Messages);
        var cpuBefore = network.CpuSeconds();
        Console.Error.WriteLine($"  messaging throughput: sending {o.Messages:N0} messages"); // a profiler started on this line sees the run
        var confirmed = await run.SendWindowedAsync(network.Http(Sender), o.Window, o.Batch);
        var seconds = await run.AllReceivedAsync(TimeSpan.FromSeconds(600));
        var cpuAfter = network.CpuSeconds();

        var (rate, confirmedRate) = (o.Messages / seconds, o.Messages / confirmed);
        report.Add(new("messaging", $"throughput: {o.Messages:N0} sealed 1 KiB messages A→B, window {o.Window}, batches of {o.Batch}: first send → last read at B",
            rate, "msg/s", "≥ RabbitMQ classic in the same run (see compare)", Detail: $"{seconds:0.00} s; duplicates {run.Duplicates}"));
        report.Add(new("messaging", "throughput: first send → last 202 (persisted in A's outbox)", confirmedRate, "msg/s"));
        var cpu = cpuAfter.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value - cpuBefore.GetValueOrDefault(kv.Key), 2));
        cpu["bench client"] = Math.Round(run.ClientCpuSeconds, 2);
        report.Details["messagingThroughputCpuSeconds"] = cpu;
        var perThousand = string.Join(", ", cpu.Select(kv => $"{kv.Key} {kv.Value / o.Messages * 1000 * 1000:0} ms"));
        report.Note($"messaging throughput: CPU per 1,000 messages: {perThousand} (wall {seconds / o.Messages * 1000 * 1000:0} ms; 2 cores)");
        if (run.Duplicates > 0)
            report.Note($"messaging throughput: {run.Duplicates} duplicates seen at B");
    }

    /// <summary>(b) Open-loop single sends at <c>Rate</c>/s for <c>Seconds</c> s: send → read at B, p50/p99/max.</summary>
    private static async Task LatencyAsync(Report report, MessagingNetwork network, MessagingOptions o)
    {
        var count = o.Rate * o.Seconds;
        // A steady 1,000 a second, not the tail of the throughput run's 100,000: started once the nodes are done with those
        // (the peers' bench gives its consumers 300 ms; a node still settles the last acknowledgements, read receipts and their audit entries).
        var (settled, quiet) = await network.SettleAsync(TimeSpan.FromSeconds(20));
        report.Note($"messaging latency: started {settled:0.0} s after the throughput run, {(quiet ? "once the nodes were idle" : "with the nodes still busy (bound reached)")}");
        // The open loop's client writes raw HTTP/1.1 and reads on one thread unless asked for HttpClient (OpenLoopClient says why).
        await using var run = o.HttpClientLatency ? await Run.StartAsync(network, [Recipient], "lat", count) : await Run.StartOpenLoopAsync(network, Recipient, "lat", count);
        report.Details["messagingLatencyClient"] = o.HttpClientLatency ? "HttpClient" : "raw HTTP/1.1, one reading thread (OpenLoopClient)";
        var cpuBefore = network.CpuSeconds();
        var kernelBefore = KernelThreads.Snapshot();
        Console.Error.WriteLine($"  messaging latency: sending {o.Rate:N0} msg/s for {o.Seconds} s");
        var confirmLatencies = o.HttpClientLatency ? await run.SendOpenLoopAsync(network.Http(Sender), o.Rate, o.Window) : await run.SendOpenLoopAsync(o.Rate, o.Window);
        await run.AllReceivedAsync(TimeSpan.FromSeconds(120));
        // Single sends cost more per message than batches: whether a node is near saturation at this rate shows here.
        var cpu = network.CpuSeconds().ToDictionary(kv => kv.Key, kv => kv.Value - cpuBefore.GetValueOrDefault(kv.Key));
        cpu["bench client"] = run.ClientCpuSeconds; // shares the two cores with the nodes: part of what a send waits for
        report.Details["messagingLatencyCpuSeconds"] = cpu.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 2));
        report.Note($"messaging latency: CPU per 1,000 single sends at {o.Rate:N0} msg/s: " +
            string.Join(", ", cpu.Select(kv => $"{kv.Key} {kv.Value / count * 1000 * 1000:0} ms")));
        // The kernel's own threads take the same two cores (KernelThreads).
        var kernel = KernelThreads.Between(kernelBefore, KernelThreads.Snapshot());
        var kernelSeconds = kernel.Sum(t => t.Seconds);
        report.Details["messagingLatencyKernelCpuTotalSeconds"] = Math.Round(kernelSeconds, 2);
        report.Details["messagingLatencyKernelCpuSeconds"] = kernel.Take(5).ToDictionary(t => t.Name, t => Math.Round(t.Seconds, 2)); // the busiest
        // The memory monitor's own figure, busiest or not: one switched on afresh works little for minutes, and a p99 taken
        // then flatters the node (docs/benchmarks.md, session 46).
        var monitor = KernelThreads.MonitorSeconds(kernel);
        report.Details["messagingLatencyKdamondCpuSeconds"] = Math.Round(monitor, 3);
        report.Note($"messaging latency: the kernel's own threads meanwhile: {kernelSeconds * 1000:0} ms of CPU" +
            (kernel.Count > 0 ? $" ({string.Join(", ", kernel.Take(3).Select(t => $"{t.Name} {t.Seconds * 1000:0} ms"))})" : "") +
            $"; DAMON's kdamond {monitor * 1000:0} ms");
        var latencies = run.Latencies(lastOfAll: false);
        // For finding where a tail comes from: each message's send time (ms from the first), latency and send → 202, in send order.
        if (Environment.GetEnvironmentVariable("ACTORNET_BENCH_LATENCY_CSV") is { Length: > 0 } csv)
            await File.WriteAllLinesAsync(csv, run.SentOffsets().Zip(latencies, confirmLatencies)
                .Select(s => FormattableString.Invariant($"{s.First:0.000},{s.Second:0.000},{s.Third:0.000}"))
                .Prepend($"sent_ms,latency_ms,to_202_ms,first_send_unix_ms={run.FirstSendUnixMs},first_send_monotonic_ns={run.FirstSendMonotonicNs}"));
        var p99 = Percentile(latencies, 0.99);
        report.Add(new("messaging", $"latency at {o.Rate:N0} msg/s open-loop for {o.Seconds} s: send → read at B, p50", Percentile(latencies, 0.50), "ms"));
        report.Add(new("messaging", "latency: p99", p99, "ms", "< 10 ms", p99 < 10));
        report.Add(new("messaging", "latency: max", latencies.Max(), "ms"));
        report.Add(new("messaging", "latency: send → 202 (persisted at A), p50", Percentile(confirmLatencies, 0.50), "ms"));
        report.Add(new("messaging", "latency: send → 202, p99", Percentile(confirmLatencies, 0.99), "ms"));
        report.Add(new("messaging", "latency: achieved send rate", count / run.SendSeconds, "msg/s"));
    }

    /// <summary>(c) <c>FanoutMessages</c> messages, each addressed to all recipients, sent as fast as the window allows; until every recipient's client has all.</summary>
    private static async Task FanoutAsync(Report report, MessagingNetwork network, string[] recipients, MessagingOptions o, SimulatedBureauHosts? hosted = null)
    {
        await using (var warm = await Run.StartAsync(network, recipients, "fwarm", 100, hosted))
        {
            await warm.SendWindowedAsync(network.Http(Sender), o.Window, o.Batch);
            await warm.AllReceivedAsync(TimeSpan.FromSeconds(300));
        }
        var cpuBefore = CpuSeconds(network, hosted);
        await using var run = await Run.StartAsync(network, recipients, "fan", o.FanoutMessages, hosted);
        await run.SendWindowedAsync(network.Http(Sender), o.Window, o.Batch);
        var seconds = await run.AllReceivedAsync(TimeSpan.FromSeconds(600));
        var cpuAfter = CpuSeconds(network, hosted);
        var latencies = run.Latencies(lastOfAll: true);
        // Each message's send and when its first, middle and last recipient read it, in ms after the first send: where the run's time goes.
        if (Environment.GetEnvironmentVariable("ACTORNET_BENCH_FANOUT_CSV") is { Length: > 0 } csv)
            await File.WriteAllLinesAsync(csv, run.ReadTimeline().Prepend($"sent_ms,first_read_ms,median_read_ms,last_read_ms,first_send_monotonic_ns={run.FirstSendTicks * (1_000_000_000 / Stopwatch.Frequency)}"));
        report.Add(new("messaging-fanout", $"fan-out: {o.FanoutMessages:N0} messages to {recipients.Length} recipient bureaus, all have all",
            seconds * 1000, "ms", "< RabbitMQ classic in the same run (see compare)", Detail: $"duplicates {run.Duplicates}"));
        report.Add(new("messaging-fanout", "fan-out: deliveries/s", o.FanoutMessages * recipients.Length / seconds, "deliveries/s"));
        report.Add(new("messaging-fanout", "fan-out: send → read by the last recipient, p50", Percentile(latencies, 0.50), "ms"));
        report.Add(new("messaging-fanout", "fan-out: send → read by the last recipient, p99", Percentile(latencies, 0.99), "ms"));
        var cpu = cpuAfter.Sum(kv => kv.Value - cpuBefore.GetValueOrDefault(kv.Key));
        report.Add(new("messaging-fanout", "fan-out: CPU time of all node processes during the run", cpu, "s",
            Detail: string.Join(", ", cpuAfter.Select(kv => $"{kv.Key} {kv.Value - cpuBefore.GetValueOrDefault(kv.Key):0.00} s"))));
    }

    private static double Percentile(IReadOnlyList<double> values, double p) => Stats.Percentile(values, p);

    private static Dictionary<string, double> CpuSeconds(MessagingNetwork network, SimulatedBureauHosts? hosted) =>
        hosted is null ? network.CpuSeconds() : network.CpuSeconds().Concat(hosted.CpuSeconds()).ToDictionary();

    /// <summary>One measured run: messages tagged with its name and numbered, sent from the sender's node, followed at each recipient's.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly string _tag;
        private readonly string[] _to;
        private readonly int _count;
        private readonly long[] _sentAt;
        private readonly long[][] _receivedAt;
        private readonly int[] _receivedCount;
        private readonly List<InboxFollower> _followers = [];
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();
        private TimeSpan _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        private int _complete;
        private long _firstSend, _lastSend;
        private Dictionary<string, string>? _cursors;

        // Every request's JSON but its subject, made once by the serializer: each post splices its subjects in. The client
        // shares the two cores with the nodes (as RabbitMQ's publishes a prepared payload), and serialising each request
        // anew was ~30 % of its CPU in the throughput run (docs/benchmarks.md, session 20).
        private const string SubjectMark = "SUBJECT-GOES-HERE";
        private readonly byte[] _beforeSubject, _afterSubject;

        private Run(string[] to, string tag, int count)
        {
            if (JsonSerializer.Serialize(tag) != $"\"{tag}\"")
                throw new ArgumentException($"a run's tag is spliced into JSON as it is: '{tag}' needs escaping", nameof(tag));
            var template = JsonSerializer.SerializeToUtf8Bytes(new SendMessageRequest(to, SubjectMark, Body, "H1", null, null), MessagingNetwork.Web);
            var mark = template.AsSpan().IndexOf(Encoding.UTF8.GetBytes(SubjectMark));
            _beforeSubject = template[..mark];
            _afterSubject = template[(mark + SubjectMark.Length)..];
            _to = to;
            _tag = tag;
            _count = count;
            _sentAt = new long[count];
            _receivedAt = to.Select(_ => new long[count]).ToArray();
            _receivedCount = new int[to.Length];
            CheckSplicing();
        }

        public long Duplicates { get; private set; }
        /// <summary>The first send's <see cref="Stopwatch"/> timestamp (CLOCK_MONOTONIC on Linux, as perf's <c>-k CLOCK_MONOTONIC</c>).</summary>
        public long FirstSendTicks => _firstSend;
        public double SendSeconds => (double)(_lastSend - _firstSend) / Stopwatch.Frequency;
        public double ClientCpuSeconds => (Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart).TotalSeconds;

        /// <param name="hosted">Where the recipients are hosted, if they are: their readers' reports stand for the clients.</param>
        public static async Task<Run> StartAsync(MessagingNetwork network, string[] to, string tag, int count, SimulatedBureauHosts? hosted = null)
        {
            var run = new Run(to, tag, count);
            if (hosted is not null)
            {
                var index = to.Select((b, i) => (b, i)).ToDictionary(p => p.b, p => p.i);
                run._unsubscribe = hosted.OnMessage((bureau, subject, at) =>
                {
                    if (index.TryGetValue(bureau, out var r))
                        run.OnReceived(r, subject, at);
                });
                return run;
            }
            run._cursors = network.InboxCursors;
            for (var r = 0; r < to.Length; r++)
            {
                var recipient = r;
                run._followers.Add(await InboxFollower.StartAsync(network.Http(to[r]), (m, at) => run.OnReceived(recipient, m.Subject, at),
                    network.InboxCursors.GetValueOrDefault(to[r])));
            }
            run._cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime; // the client's catching up is not part of the run
            return run;
        }

        /// <summary>A run whose single sends and whose one recipient's events go through an <see cref="OpenLoopClient"/>.</summary>
        public static async Task<Run> StartOpenLoopAsync(MessagingNetwork network, string recipient, string tag, int count)
        {
            var run = new Run([recipient], tag, count) { _cursors = network.InboxCursors };
            var after = await InboxFollower.SkipAsync(network.Http(recipient), network.InboxCursors.GetValueOrDefault(recipient));
            run._client = await OpenLoopClient.StartAsync(network.Http(Sender).BaseAddress!, network.Http(recipient).BaseAddress!, network.Token, after,
                (m, at) => run.OnReceived(0, m.Subject, at));
            run._cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            return run;
        }

        private OpenLoopClient? _client;

        /// <summary>As <see cref="SendOpenLoopAsync(HttpClient, int, int)"/>, through the run's <see cref="OpenLoopClient"/>.</summary>
        public async Task<List<double>> SendOpenLoopAsync(int rate, int window)
        {
            var client = _client ?? throw new InvalidOperationException("not an open-loop client's run");
            FirstSendUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var confirms = await client.SendAsync(_count, rate, window, (seq, into) => Write(seq, 1, into), _sentAt);
            _firstSend = _sentAt[0];
            _lastSend = _sentAt[^1];
            return confirms.ToList();
        }

        private void OnReceived(int recipient, string subject, long at)
        {
            var space = subject.IndexOf(' ');
            if (space < 0 || !subject.AsSpan(0, space).SequenceEqual(_tag) || !int.TryParse(subject.AsSpan(space + 1), out var seq) || seq >= _count)
                return;
            lock (_gate)
            {
                if (_receivedAt[recipient][seq] != 0)
                {
                    Duplicates++;
                    return;
                }
                _receivedAt[recipient][seq] = at;
                if (++_receivedCount[recipient] == _count && ++_complete == _to.Length)
                    _all.TrySetResult();
            }
        }

        private SendMessageRequest Request(int seq) => new(_to, $"{_tag} {seq}", Body, "H1", null, null);

        /// <summary>The spliced JSON must be the serializer's, byte for byte: checked on the last message's, the longest subject.</summary>
        private void CheckSplicing()
        {
            var spliced = Json(_count - 1, 1).ReadAsByteArrayAsync().GetAwaiter().GetResult();
            if (!spliced.AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(Request(_count - 1), MessagingNetwork.Web)))
                throw new InvalidOperationException("the spliced request JSON differs from the serializer's");
        }

        /// <summary>Sends everything with at most <paramref name="window"/> messages awaiting their 202; returns the seconds until the last 202.</summary>
        public async Task<double> SendWindowedAsync(HttpClient http, int window, int batch)
        {
            batch = Math.Clamp(batch, 1, window);
            using var slots = new SemaphoreSlim(Math.Max(1, window / batch));
            var posts = new List<Task>();
            _firstSend = Stopwatch.GetTimestamp();
            for (var start = 0; start < _count; start += batch)
            {
                await slots.WaitAsync();
                var n = Math.Min(batch, _count - start);
                var now = Stopwatch.GetTimestamp();
                for (var i = start; i < start + n; i++)
                    _sentAt[i] = now;
                posts.Add(PostAsync(http, start, n).ContinueWith(t => { slots.Release(); return t; }).Unwrap());
            }
            await Task.WhenAll(posts);
            _lastSend = Stopwatch.GetTimestamp();
            return SendSeconds;
        }

        /// <summary>Message i is due at start + i/rate, sent singly whether or not earlier ones were answered (up to the window); returns send → 202 in ms.</summary>
        public async Task<List<double>> SendOpenLoopAsync(HttpClient http, int rate, int window)
        {
            using var slots = new SemaphoreSlim(window);
            var confirms = new double[_count];
            var posts = new List<Task>(_count);
            _firstSend = Stopwatch.GetTimestamp();
            FirstSendUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var next = 0;
            while (next < _count)
            {
                if (!await OpenLoopClient.DueAsync(_firstSend, next, rate))
                    continue;
                // Everything that has fallen due goes now; the timer's granularity is about a millisecond.
                await slots.WaitAsync();
                var seq = next++;
                var sent = Stopwatch.GetTimestamp();
                _sentAt[seq] = sent;
                posts.Add(PostAsync(http, seq, 1).ContinueWith(t =>
                {
                    confirms[seq] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                    slots.Release();
                    return t;
                }).Unwrap());
            }
            await Task.WhenAll(posts);
            _lastSend = _sentAt[^1];
            return confirms.ToList();
        }

        /// <summary>The JSON the serializer makes of <see cref="Request"/> for messages start..start+n-1: one object, or an array of them.</summary>
        private ByteArrayContent Json(int start, int n)
        {
            var one = _beforeSubject.Length + _afterSubject.Length + _tag.Length + 12;
            var bytes = new byte[n * (one + 1) + 2];
            var content = new ByteArrayContent(bytes, 0, Write(start, n, bytes));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            return content;
        }

        /// <summary>Writes <see cref="Json"/>'s bytes into <paramref name="bytes"/>; returns their length.</summary>
        private int Write(int start, int n, Span<byte> bytes)
        {
            var at = 0;
            if (n > 1)
                bytes[at++] = (byte)'[';
            for (var seq = start; seq < start + n; seq++)
            {
                if (seq > start)
                    bytes[at++] = (byte)',';
                _beforeSubject.CopyTo(bytes[at..]);
                at += _beforeSubject.Length;
                at += Encoding.ASCII.GetBytes($"{_tag} {seq}", bytes[at..]);
                _afterSubject.CopyTo(bytes[at..]);
                at += _afterSubject.Length;
            }
            if (n > 1)
                bytes[at++] = (byte)']';
            return at;
        }

        private async Task PostAsync(HttpClient http, int start, int n)
        {
            using var response = await http.PostAsync(n == 1 ? "/api/messages" : "/api/messages/batch", Json(start, n));
            if (response.StatusCode != HttpStatusCode.Accepted)
                throw new InvalidOperationException($"POST of messages {start}..{start + n - 1} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        /// <summary>Waits until every recipient has every message; the seconds from the first send to the last receipt.</summary>
        public async Task<double> AllReceivedAsync(TimeSpan bound)
        {
            try
            {
                await _all.Task.WaitAsync(bound);
            }
            catch (TimeoutException)
            {
                lock (_gate)
                    throw new TimeoutException($"run '{_tag}': after {bound.TotalSeconds:0} s the recipients had {string.Join(", ", _to.Zip(_receivedCount, (b, c) => $"{b} {c}"))} of {_count}");
            }
            lock (_gate)
                return (double)(_receivedAt.Max(r => r.Max()) - _firstSend) / Stopwatch.Frequency;
        }

        /// <summary>Send → receipt in ms per message: at the single recipient, or at the last of all recipients.</summary>
        public List<double> Latencies(bool lastOfAll)
        {
            lock (_gate)
                return Enumerable.Range(0, _count)
                    .Select(i => (double)((lastOfAll ? _receivedAt.Max(r => r[i]) : _receivedAt[0][i]) - _sentAt[i]) * 1000 / Stopwatch.Frequency)
                    .ToList();
        }

        /// <summary>Per message: its send, and the reads by its first, middle and last recipient, in ms after the first send (CSV lines).</summary>
        public List<string> ReadTimeline()
        {
            lock (_gate)
                return Enumerable.Range(0, _count).Select(i =>
                {
                    var reads = _receivedAt.Select(r => r[i]).Order().ToArray();
                    return FormattableString.Invariant($"{MsAfterFirstSend(_sentAt[i]):0.0},{MsAfterFirstSend(reads[0]):0.0},{MsAfterFirstSend(reads[reads.Length / 2]):0.0},{MsAfterFirstSend(reads[^1]):0.0}");
                }).ToList();
        }

        /// <summary>Wall-clock time of the open loop's first send, to line the latency CSV up with traces of the nodes.</summary>
        public long FirstSendUnixMs { get; private set; }

        /// <summary>
        /// The first send on CLOCK_MONOTONIC (what <see cref="Stopwatch"/> reads on Linux), in ns: the clock of
        /// <c>perf record -k mono</c>, so that <c>bench/tail-census.sh</c> can place each send among the kernel's events.
        /// </summary>
        public long FirstSendMonotonicNs => (long)((double)_firstSend * 1_000_000_000 / Stopwatch.Frequency);

        /// <summary>Each message's send time in ms after the first send.</summary>
        public IEnumerable<double> SentOffsets() => _sentAt.Select(MsAfterFirstSend);

        private double MsAfterFirstSend(long at) => (double)(at - _firstSend) * 1000 / Stopwatch.Frequency;

        private Action? _unsubscribe;

        public async ValueTask DisposeAsync()
        {
            _unsubscribe?.Invoke();
            if (_client is not null)
            {
                _client.Dispose();
                if (_client.LastId is { } last)
                    _cursors![_to[0]] = last;
            }
            for (var r = 0; r < _followers.Count; r++)
            {
                await _followers[r].DisposeAsync();
                if (_followers[r].LastId is { } last)
                    _cursors![_to[r]] = last;
            }
        }
    }
}
