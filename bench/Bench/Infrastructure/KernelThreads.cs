using System.Globalization;

namespace ActorNet.Bench.Infrastructure;

/// <summary>
/// CPU time the kernel's own threads take while a scenario runs. On this machine (a Firecracker guest) DAMON's monitor,
/// <c>kdamond.0</c>, samples memory every 500 ms and under a busy run takes a core for several milliseconds each time: the
/// latency run's slow sends came in clusters on that cadence, ~530 ms (docs/benchmarks.md, session 42). A p99 read without
/// this figure may be the kernel's, not ours.
/// </summary>
public static class KernelThreads
{
    private const int KernelThreadFlag = 0x00200000; // PF_KTHREAD in /proc/PID/stat's flags

    /// <summary>Each kernel thread's CPU so far (user + system, in seconds), by pid; empty where /proc cannot be read.</summary>
    public static Dictionary<int, (string Name, double Seconds)> Snapshot()
    {
        var threads = new Dictionary<int, (string, double)>();
        IEnumerable<string> dirs;
        try { dirs = Directory.EnumerateDirectories("/proc"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return threads; }
        foreach (var dir in dirs)
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; } // gone meanwhile
            if (Parse(stat) is { } thread)
                threads[pid] = thread;
        }
        return threads;
    }

    /// <summary>
    /// A kernel thread's name and CPU seconds from one /proc/PID/stat line, or null for a user process or a line it cannot
    /// read. The name sits in parentheses and may hold spaces and parentheses itself: the fields count from the last ')'.
    /// </summary>
    public static (string Name, double Seconds)? Parse(string stat)
    {
        var open = stat.IndexOf('(');
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open)
            return null;
        // After the name: state(3) ppid(4) pgrp session tty_nr tpgid flags(9) minflt cminflt majflt cmajflt utime(14) stime(15)
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 13
            || !uint.TryParse(fields[6], NumberStyles.None, CultureInfo.InvariantCulture, out var flags)
            || !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            || !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var system))
            return null;
        if ((flags & KernelThreadFlag) == 0)
            return null;
        return (stat[(open + 1)..close], (user + system) / (double)TicksPerSecond);
    }

    /// <summary>The kernel threads that took CPU between two snapshots, the busiest first, with the seconds each took.</summary>
    public static List<(string Name, double Seconds)> Between(Dictionary<int, (string Name, double Seconds)> before,
        Dictionary<int, (string Name, double Seconds)> after) =>
        // By pid alone: a kernel worker's name carries the work queue it last served, which changes as it runs.
        after.Select(a => (a.Value.Name, Seconds: a.Value.Seconds - (before.TryGetValue(a.Key, out var b) ? b.Seconds : 0)))
            .Where(t => t.Seconds > 0)
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(t => t.Seconds)))
            .OrderByDescending(t => t.Item2)
            .ToList();

    /// <summary>Whether a kernel thread of this name is one of DAMON's monitors (<c>kdamond.N</c>).</summary>
    public static bool IsMonitor(string name) => name.StartsWith("kdamond.", StringComparison.Ordinal);

    /// <summary>What DAMON's monitors took of <paramref name="threads"/>, in seconds.</summary>
    public static double MonitorSeconds(IEnumerable<(string Name, double Seconds)> threads) =>
        threads.Where(t => IsMonitor(t.Name)).Sum(t => t.Seconds);

    /// <summary>Whether DAMON monitors this machine's memory, and how often it samples, as its sysfs admin interface says (null when it does not).</summary>
    public static string? Damon()
    {
        const string admin = "/sys/kernel/mm/damon/admin/kdamonds";
        try
        {
            if (!Directory.Exists(admin))
                return null;
            var running = Directory.EnumerateDirectories(admin)
                .Where(d => File.Exists(Path.Combine(d, "state")) && File.ReadAllText(Path.Combine(d, "state")).Trim() == "on")
                .ToList();
            if (running.Count == 0)
                return null;
            var samples = running
                .SelectMany(d => Directory.EnumerateFiles(d, "sample_us", SearchOption.AllDirectories))
                .Select(f => long.TryParse(File.ReadAllText(f).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var us) ? us / 1000 : (long?)null)
                .Where(ms => ms is not null)
                .Distinct()
                .ToList();
            return $"{running.Count} kdamond running" + (samples.Count > 0 ? $", sampling every {string.Join("/", samples)} ms" : "");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>USER_HZ: what /proc counts CPU time in; 100 on every Linux this runs on.</summary>
    private const int TicksPerSecond = 100;
}
