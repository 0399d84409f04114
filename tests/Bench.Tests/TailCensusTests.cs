using ActorNet.Bench.Tail;
using Xunit;

namespace ActorNet.Bench.Tests;

/// <summary>The census of a latency run's tail, on a few lines of <c>perf script</c> written by hand.</summary>
public class TailCensusTests
{
    // Core 0: FR's worker runs from 100.000, the monitor takes the core at 100.001 while the worker is still runnable, and
    // gives it back at 100.005. Core 1 is idle but for FR's writer, 100.0019 to 100.0025, in an fsync of 0.4 ms.
    private static readonly string[] Trace =
    [
        "     0/0     [000] 100.000000:           sched:sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=.NET TP Worker next_pid=501 next_prio=120",
        "     0/0     [001] 100.000000:           sched:sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=swapper/1 next_pid=0 next_prio=120",
        "   500/501   [000] 100.001000:           sched:sched_switch: prev_comm=.NET TP Worker prev_pid=501 prev_prio=120 prev_state=R ==> next_comm=kdamond.0 next_pid=84 next_prio=120",
        "     0/0     [001] 100.001900:           sched:sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=actornet.sqlite next_pid=502 next_prio=120",
        "   500/502   [001] 100.002000:     syscalls:sys_enter_fsync: fd: 0x0000012e",
        "   500/502   [001] 100.002400:      syscalls:sys_exit_fsync: 0x0",
        "   500/502   [001] 100.002500:           sched:sched_switch: prev_comm=actornet.sqlite prev_pid=502 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
        "    84/84    [000] 100.005000:           sched:sched_switch: prev_comm=kdamond.0 prev_pid=84 prev_prio=120 prev_state=I ==> next_comm=.NET TP Worker next_pid=501 next_prio=120",
        "   500/501   [000] 100.006000:           sched:sched_switch: prev_comm=.NET TP Worker prev_pid=501 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
        "     0/0     [001] 100.020000:           sched:sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=swapper/1 next_pid=0 next_prio=120",
        "     0/0     [000] 100.020000:           sched:sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=swapper/0 next_pid=0 next_prio=120",
        "this line is not perf's and is skipped",
    ];

    // Sent at 100.0005 (slow: 9 ms, held by the monitor) and at 100.0100 (fast); the first send on CLOCK_MONOTONIC in ns.
    private static readonly string[] Csv =
    [
        "sent_ms,latency_ms,to_202_ms,first_send_unix_ms=1796478246468,first_send_monotonic_ns=100000500000",
        "0.000,9.000,8.000",
        "9.500,2.000,1.000",
    ];

    private static readonly Dictionary<int, string> Names = new() { [500] = "FR" };

    [Fact]
    public void A_thread_the_monitor_took_the_core_from_waits_until_it_gives_it_back_while_the_other_core_idles()
    {
        var events = TailCensus.Parse(Trace);
        var spans = TailCensus.Spans(events);
        var held = Assert.Single(TailCensus.Preemptions(events, Names.Keys.ToHashSet(), spans));

        Assert.Equal(500, held.Pid);
        Assert.Equal(4.0, held.Waited * 1000, 3);
        Assert.Equal(held.Cpu, held.ResumedOn);
        Assert.Equal(3.4, held.OtherCoreIdle * 1000, 3);
    }

    [Fact]
    public void A_slow_send_while_a_thread_was_held_is_charged_to_the_monitor()
    {
        var events = TailCensus.Parse(Trace);
        var sends = TailCensus.ReadSends(Csv);
        var spans = TailCensus.Spans(events);
        var cluster = Assert.Single(TailCensus.Clusters(sends, overMs: 5));
        var reading = TailCensus.Read(cluster, spans, TailCensus.Preemptions(events, Names.Keys.ToHashSet(), spans),
            TailCensus.Syncs(events), Names.Keys.ToHashSet(), Names);

        Assert.Equal(100.0005, Assert.Single(cluster).At, 6);
        Assert.Equal(4.0, reading.HeldMs, 3);
        Assert.Equal("FR", reading.HeldIn);
        Assert.Equal(4.0, reading.MonitorMs, 3);
        Assert.Equal(0.4, reading.SyncMs, 3);
        Assert.Equal("the monitor held a bench thread", reading.Cause);
    }

    [Fact]
    public void The_report_counts_the_cluster_under_its_cause()
    {
        var report = TailCensus.Report(TailCensus.Parse(Trace), TailCensus.ReadSends(Csv), Names, overMs: 5, eachCluster: true);

        Assert.Contains("| the monitor held a bench thread | 1 | 1 |", report);
        Assert.Contains("It took the core from a running bench thread 1 times; 1 of them waited over 1 ms", report);
        Assert.Contains("Waits over 1 ms by process: FR 1.", report);
        Assert.Contains("By thread: FR '.NET TP Worker' 1.", report);
        Assert.Contains("| 4.0 (FR) |", report);
    }

    [Fact]
    public void A_csv_without_the_monotonic_time_of_its_first_send_is_refused_with_what_to_do()
    {
        var e = Assert.Throws<FormatException>(() => TailCensus.ReadSends(["sent_ms,latency_ms,to_202_ms,first_send_unix_ms=1", "0,1,1"]));
        Assert.Contains("first_send_monotonic_ns", e.Message);
        Assert.Contains("run it again", e.Message);
    }

    [Fact]
    public void A_trace_that_misses_the_runs_sends_is_refused()
    {
        var late = Csv.Select(l => l.Replace("100000500000", "900000000000")).ToArray();
        var e = Assert.Throws<FormatException>(() => TailCensus.Report(TailCensus.Parse(Trace), TailCensus.ReadSends(late), Names, 5, false));
        Assert.Contains("no send of the CSV falls inside the trace", e.Message);
    }

    [Theory]
    [InlineData("FR")]
    [InlineData("FR=abc")]
    [InlineData("=12")]
    [InlineData("FR=-3")]
    [InlineData(",")]
    public void Pids_that_are_not_name_equals_pid_are_refused(string pids) =>
        Assert.Throws<ArgumentException>(() => TailCensus.ParseNames(pids));

    [Fact]
    public void The_command_answers_bad_input_with_2_and_a_line_that_says_what_to_fix()
    {
        var error = new StringWriter();
        var was = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(2, TailCensus.Run(name => name == "--trace" ? "/nonexistent/trace.txt" : name == "--csv" ? "x.csv" : name == "--pids" ? "FR=1" : null, false));
        }
        finally
        {
            Console.SetError(was);
        }
        Assert.StartsWith("tail-census: ", error.ToString());
    }
}
