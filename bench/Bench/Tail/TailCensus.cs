using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ActorNet.Bench.Infrastructure;
using static System.FormattableString;

namespace ActorNet.Bench.Tail;

/// <summary>
/// Why a latency run's slow sends were slow, from the kernel's scheduler events (<c>bench/tail-census.sh</c> records them
/// with <c>perf</c> and hands over <c>perf script</c>'s text): each cluster of slow sends is set beside what the two cores
/// did meanwhile. Sessions 42–52 read the tail by hand this way (docs/benchmarks.md); the census makes it one command.
/// What it names, per cluster: a bench thread the kernel's memory monitor (<c>kdamond</c>) took the core from and left
/// waiting, the monitor on a core, a collection in one process, a slow commit (<c>fsync</c>), another process's work.
/// </summary>
public static partial class TailCensus
{
    /// <summary>One line of <c>perf script -F pid,tid,cpu,time,event,trace</c>, as far as the census reads it.</summary>
    public abstract record Event(double Time, int Cpu, int Pid, int Tid);

    /// <summary>A core switches from one thread to another; <paramref name="PrevState"/> "R" means it was preempted.</summary>
    public sealed record Switch(double Time, int Cpu, int Pid, int Tid, string PrevComm, string PrevState, string NextComm, int NextTid)
        : Event(Time, Cpu, Pid, Tid);

    /// <summary>A thread's <c>fsync</c> or <c>fdatasync</c> begins (<paramref name="Enter"/>) or returns.</summary>
    public sealed record Sync(double Time, int Cpu, int Pid, int Tid, bool Enter) : Event(Time, Cpu, Pid, Tid);

    /// <summary>A thread ran on a core from <paramref name="Start"/> to <paramref name="End"/> (seconds, CLOCK_MONOTONIC).</summary>
    public sealed record Span(double Start, double End, int Cpu, int Pid, int Tid, string Comm)
    {
        public double Within(double from, double to) => Math.Max(0, Math.Min(End, to) - Math.Max(Start, from));
        public bool Idle => Tid == 0;
        public bool Monitor => KernelThreads.IsMonitor(Comm);
        public bool Collector => Comm.Contains(" GC", StringComparison.Ordinal) || Comm.Contains("BGC", StringComparison.Ordinal);
    }

    /// <summary>A bench thread the monitor took the core from, and when it ran again.</summary>
    public sealed record Preemption(double At, double Resumed, int Cpu, int ResumedOn, int Pid, string Comm, double OtherCoreIdle)
    {
        public double Waited => Resumed - At;
    }

    /// <summary>One message of the latency CSV, placed on CLOCK_MONOTONIC.</summary>
    public sealed record Send(double At, double LatencyMs, double To202Ms);

    [GeneratedRegex(@"^\s*(\d+)/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)$")]
    private static partial Regex LineFormat();

    [GeneratedRegex(@"^prev_comm=(.*) prev_pid=(\d+) prev_prio=\d+ prev_state=(\S+) ==> next_comm=(.*) next_pid=(\d+) next_prio=\d+\s*$")]
    private static partial Regex SwitchFormat();

    /// <summary>The events of <c>perf script</c>'s lines that the census reads; others (and broken lines) are skipped.</summary>
    public static List<Event> Parse(IEnumerable<string> lines)
    {
        var events = new List<Event>();
        foreach (var line in lines)
        {
            var m = LineFormat().Match(line);
            if (!m.Success)
                continue;
            var (pid, tid, cpu) = (Int(m.Groups[1].Value), Int(m.Groups[2].Value), Int(m.Groups[3].Value));
            var time = double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
            switch (m.Groups[5].Value)
            {
                case "sched:sched_switch" when SwitchFormat().Match(m.Groups[6].Value) is { Success: true } s:
                    events.Add(new Switch(time, cpu, pid, tid, s.Groups[1].Value, s.Groups[3].Value, s.Groups[4].Value, Int(s.Groups[5].Value)));
                    break;
                case "syscalls:sys_enter_fsync" or "syscalls:sys_enter_fdatasync":
                    events.Add(new Sync(time, cpu, pid, tid, Enter: true));
                    break;
                case "syscalls:sys_exit_fsync" or "syscalls:sys_exit_fdatasync":
                    events.Add(new Sync(time, cpu, pid, tid, Enter: false));
                    break;
            }
        }
        return events;
    }

    /// <summary>
    /// The latency CSV's sends on CLOCK_MONOTONIC. Its header carries the first send's time on that clock
    /// (<c>first_send_monotonic_ns=</c>); a CSV without it (written before session 52) cannot be placed.
    /// </summary>
    public static List<Send> ReadSends(IReadOnlyList<string> csv)
    {
        if (csv.Count == 0)
            throw new FormatException("the latency CSV is empty");
        var mark = Regex.Match(csv[0], @"first_send_monotonic_ns=(\d+)");
        if (!mark.Success)
            throw new FormatException("the latency CSV's header has no first_send_monotonic_ns= (written by a bench older than session 52): run it again");
        var first = long.Parse(mark.Groups[1].Value, CultureInfo.InvariantCulture) / 1e9;
        var sends = new List<Send>(csv.Count - 1);
        for (var i = 1; i < csv.Count; i++)
        {
            var f = csv[i].Split(',');
            if (f.Length < 3)
                throw new FormatException($"the latency CSV's line {i + 1} has {f.Length} fields, not sent_ms,latency_ms,to_202_ms");
            sends.Add(new Send(first + D(f[0]) / 1000, D(f[1]), D(f[2])));
        }
        return sends;
    }

    /// <summary>Each core's runs, thread after thread, from the switches (a run still going at the end is left out).</summary>
    public static List<Span> Spans(IEnumerable<Event> events)
    {
        var pidOf = new Dictionary<int, int> { [0] = 0 };
        var running = new Dictionary<int, (int Tid, string Comm, double Since)>();
        var switches = events.OfType<Switch>().ToList();
        foreach (var s in switches)
            pidOf[s.Tid] = s.Pid; // the line's pid/tid is the thread switched away from
        var spans = new List<Span>();
        foreach (var s in switches)
        {
            if (running.TryGetValue(s.Cpu, out var run))
                spans.Add(new Span(run.Since, s.Time, s.Cpu, pidOf.GetValueOrDefault(run.Tid, -1), run.Tid, run.Comm));
            running[s.Cpu] = (s.NextTid, s.NextComm, s.Time);
        }
        return spans;
    }

    /// <summary>Bench threads the monitor took a core from (switched away while still runnable), and how long they waited.</summary>
    public static List<Preemption> Preemptions(IEnumerable<Event> events, IReadOnlySet<int> ours, IReadOnlyList<Span> spans)
    {
        var waiting = new Dictionary<int, Switch>();
        var found = new List<Preemption>();
        foreach (var s in events.OfType<Switch>())
        {
            if (waiting.Remove(s.NextTid, out var from))
            {
                var idle = spans.Where(p => p.Idle && p.Cpu != from.Cpu).Sum(p => p.Within(from.Time, s.Time));
                found.Add(new Preemption(from.Time, s.Time, from.Cpu, s.Cpu, from.Pid, from.PrevComm, idle));
            }
            if (KernelThreads.IsMonitor(s.NextComm) && s.PrevState.StartsWith('R') && ours.Contains(s.Pid))
                waiting[s.Tid] = s;
        }
        return found;
    }

    /// <summary>Each <c>fsync</c>/<c>fdatasync</c> from its start to its return, with the process that made it.</summary>
    public static List<(double Start, double End, int Pid)> Syncs(IEnumerable<Event> events)
    {
        var open = new Dictionary<int, double>();
        var syncs = new List<(double, double, int)>();
        foreach (var s in events.OfType<Sync>())
        {
            if (s.Enter)
                open[s.Tid] = s.Time;
            else if (open.Remove(s.Tid, out var start))
                syncs.Add((start, s.Time, s.Pid));
        }
        return syncs;
    }

    /// <summary>Slow sends grouped: one that comes within 20 ms of the previous slow one joins its cluster.</summary>
    public static List<List<Send>> Clusters(IEnumerable<Send> sends, double overMs)
    {
        var clusters = new List<List<Send>>();
        foreach (var s in sends.Where(s => s.LatencyMs > overMs).OrderBy(s => s.At))
        {
            if (clusters.Count > 0 && s.At - clusters[^1][^1].At < 0.020)
                clusters[^1].Add(s);
            else
                clusters.Add([s]);
        }
        return clusters;
    }

    /// <summary>What the cores did while one cluster's sends were on their way, and the cause the census names for it.</summary>
    public sealed record Reading(List<Send> Sends, double From, double To, double MonitorMs, double HeldMs, string? HeldIn, double IdleMs,
        string? Collecting, double CollectorMs, double SyncMs, double OtherMs)
    {
        public string Cause =>
            HeldMs >= 1 ? "the monitor held a bench thread"
            : MonitorMs >= 2 ? "the monitor on a core"
            : CollectorMs >= 1.5 ? "a collection"
            : SyncMs >= 3 ? "a slow commit (fsync)"
            : OtherMs >= 2 ? "another process"
            : "none of these";
    }

    public static Reading Read(List<Send> cluster, IReadOnlyList<Span> spans, IReadOnlyList<Preemption> preemptions,
        IReadOnlyList<(double Start, double End, int Pid)> syncs, IReadOnlySet<int> ours, IReadOnlyDictionary<int, string> names)
    {
        // From just before the first send (what was already in flight) until the last of them was read.
        var from = cluster[0].At - 0.002;
        var to = cluster.Max(s => s.At + s.LatencyMs / 1000);
        var inside = spans.Where(s => s.End > from && s.Start < to).ToList();
        var held = preemptions.Where(p => p.Resumed > from && p.At < to).MaxBy(p => p.Waited);
        var collectors = inside.Where(s => s.Collector && ours.Contains(s.Pid))
            .GroupBy(s => s.Pid).Select(g => (Pid: g.Key, Ms: g.Sum(s => s.Within(from, to)) * 1000))
            .OrderByDescending(g => g.Ms).FirstOrDefault();
        return new Reading(cluster, from, to,
            MonitorMs: inside.Where(s => s.Monitor).Sum(s => s.Within(from, to)) * 1000,
            HeldMs: held is null ? 0 : held.Waited * 1000,
            HeldIn: held is null ? null : names.GetValueOrDefault(held.Pid, held.Pid.ToString(CultureInfo.InvariantCulture)),
            IdleMs: inside.Where(s => s.Idle).Sum(s => s.Within(from, to)) * 1000,
            Collecting: collectors.Ms > 0 ? names.GetValueOrDefault(collectors.Pid, collectors.Pid.ToString(CultureInfo.InvariantCulture)) : null,
            CollectorMs: collectors.Ms,
            SyncMs: syncs.Where(s => s.End > from && s.Start < to && ours.Contains(s.Pid)).Select(s => (s.End - s.Start) * 1000).DefaultIfEmpty(0).Max(),
            OtherMs: inside.Where(s => !s.Idle && !s.Monitor && !ours.Contains(s.Pid) && !s.Comm.StartsWith("kworker", StringComparison.Ordinal))
                .Sum(s => s.Within(from, to)) * 1000);
    }

    /// <summary>The census as markdown.</summary>
    public static string Report(List<Event> events, List<Send> sends, IReadOnlyDictionary<int, string> names, double overMs, bool eachCluster)
    {
        var ours = names.Keys.ToHashSet();
        var spans = Spans(events);
        if (spans.Count == 0)
            throw new FormatException("the trace holds no sched:sched_switch events: record with -e sched:sched_switch");
        var (start, end) = (spans.Min(s => s.Start), spans.Max(s => s.End));
        var placed = sends.Where(s => s.At >= start && s.At + s.LatencyMs / 1000 <= end).ToList();
        if (placed.Count == 0)
            throw new FormatException("no send of the CSV falls inside the trace: record during the latency run, with perf record -k mono");
        var preemptions = Preemptions(events, ours, spans);
        var syncs = Syncs(events);
        var readings = Clusters(placed, overMs).Select(c => Read(c, spans, preemptions, syncs, ours, names)).ToList();
        var monitor = spans.Where(s => s.Monitor).Select(s => (s.End - s.Start) * 1000).ToList();

        var text = new StringBuilder();
        text.AppendLine(Invariant($"Traced {end - start:0.0} s; {placed.Count:N0} sends inside, {placed.Count(s => s.LatencyMs > overMs)} over {overMs:0.#} ms in {readings.Count} clusters (a slow send within 20 ms of the previous one joins its cluster)."));
        text.AppendLine(Invariant($"The monitor (kdamond) ran {monitor.Count} times, {monitor.Sum():0} ms in all; {monitor.Count(m => m > 1)} runs over 1 ms, {monitor.Count(m => m > 3)} over 3 ms, longest {monitor.DefaultIfEmpty(0).Max():0.0} ms."));
        var held = preemptions.Where(p => p.Waited > 0.001).ToList();
        text.AppendLine(Invariant($"It took the core from a running bench thread {preemptions.Count} times; {held.Count} of them waited over 1 ms, {preemptions.Count(p => p.Waited > 0.003)} over 3 ms, {preemptions.Count(p => p.ResumedOn == p.Cpu)} ran again on the same core; the other core was idle for {held.Sum(p => p.OtherCoreIdle) * 1000:0} ms of those waits over 1 ms ({held.Sum(p => p.Waited) * 1000:0} ms)."));
        if (held.Count > 0)
        {
            text.AppendLine("Waits over 1 ms by process: " + string.Join(", ", held.GroupBy(p => names.GetValueOrDefault(p.Pid, "?"))
                .OrderByDescending(g => g.Count()).Select(g => Invariant($"{g.Key} {g.Count()}"))) + ".");
            // Which thread says what it held: a pool worker (an actor's turn, a request), the sockets' event thread (every
            // socket of the process), the SQLite writer (every commit).
            text.AppendLine("By thread: " + string.Join(", ", held.GroupBy(p => (Process: names.GetValueOrDefault(p.Pid, "?"), Thread: p.Comm))
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Process, StringComparer.Ordinal)
                .Select(g => Invariant($"{g.Key.Process} '{g.Key.Thread}' {g.Count()}"))) + ".");
        }
        text.AppendLine();
        text.AppendLine("| cause (the first that holds) | clusters | slow sends |");
        text.AppendLine("| --- | ---: | ---: |");
        foreach (var cause in readings.GroupBy(r => r.Cause).OrderByDescending(g => g.Sum(r => r.Sends.Count)))
            text.AppendLine(Invariant($"| {cause.Key} | {cause.Count()} | {cause.Sum(r => r.Sends.Count)} |"));
        if (!eachCluster)
            return text.ToString();
        text.AppendLine();
        text.AppendLine("| at, s | sends | slowest ms | its 202 ms | window ms | monitor ms | held ms | idle ms (two cores) | collection ms | longest fsync ms | others ms | cause |");
        text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var r in readings)
        {
            var slowest = r.Sends.MaxBy(s => s.LatencyMs)!;
            text.AppendLine(Invariant($"| {r.From - start:0.000} | {r.Sends.Count} | {slowest.LatencyMs:0.0} | {slowest.To202Ms:0.0} | {(r.To - r.From) * 1000:0.0} | {r.MonitorMs:0.0} | ") +
                (r.HeldIn is null ? "0.0" : Invariant($"{r.HeldMs:0.0} ({r.HeldIn})")) + Invariant($" | {r.IdleMs:0.0} | ") +
                (r.Collecting is null ? "" : Invariant($"{r.Collecting} {r.CollectorMs:0.0}")) + Invariant($" | {r.SyncMs:0.0} | {r.OtherMs:0.0} | {r.Cause} |"));
        }
        return text.ToString();
    }

    /// <summary><c>tail-census --trace FILE --csv FILE --pids NAME=PID,... [--over MS] [--clusters]</c>; 2 on bad input.</summary>
    public static int Run(Func<string, string?> option, bool eachCluster)
    {
        try
        {
            var trace = option("--trace") ?? throw new ArgumentException("tail-census needs --trace FILE (perf script's text of the recording)");
            var csv = option("--csv") ?? throw new ArgumentException("tail-census needs --csv FILE (the run's ACTORNET_BENCH_LATENCY_CSV)");
            var names = ParseNames(option("--pids") ?? throw new ArgumentException("tail-census needs --pids NAME=PID,... (the bench's processes)"));
            var over = option("--over") is { } o ? D(o) : 10;
            if (over <= 0)
                throw new ArgumentException($"--over is a latency in ms above 0, not {over}");
            Console.Write(Report(Parse(File.ReadLines(trace)), ReadSends(File.ReadAllLines(csv)), names, over, eachCluster));
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"tail-census: {e.Message}");
            return 2;
        }
    }

    /// <summary>"FR=123,US=456" to pid → name.</summary>
    public static Dictionary<int, string> ParseNames(string pids)
    {
        var names = new Dictionary<int, string>();
        foreach (var pair in pids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0 || !int.TryParse(pair[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
                throw new ArgumentException($"--pids takes NAME=PID pairs separated by commas (FR=1234,US=1240), not '{pair}'");
            names[pid] = pair[..eq];
        }
        if (names.Count == 0)
            throw new ArgumentException("--pids names no process");
        return names;
    }

    private static int Int(string s) => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);

    private static double D(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
        ? d : throw new FormatException($"'{s}' is not a number");
}
