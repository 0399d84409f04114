using System.Globalization;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorNet.Bench.Infrastructure;

/// <summary>One measured figure, with its goal when the brief sets one.</summary>
public sealed record Measurement(string Scenario, string Metric, double Value, string Unit, string? Goal = null, bool? Pass = null, string? Detail = null);

/// <summary>What every scenario adds to: figures, free-form notes, and the machine they were taken on.</summary>
public sealed class Report
{
    private readonly Lock _lock = new();
    public List<Measurement> Measurements { get; } = [];
    public List<string> Notes { get; } = [];
    public Dictionary<string, object> Details { get; } = [];

    public void Add(Measurement m)
    {
        lock (_lock) Measurements.Add(m);
        Console.Error.WriteLine($"  {m.Scenario} {m.Metric}: {Format(m.Value)} {m.Unit}{(m.Pass is { } p ? p ? "  (goal met)" : "  (goal MISSED)" : "")}");
    }

    public void Note(string note)
    {
        lock (_lock) Notes.Add(note);
        Console.Error.WriteLine($"  note: {note}");
    }

    public static string Format(double value) =>
        value >= 1000 ? value.ToString("N0", CultureInfo.InvariantCulture)
        : value >= 10 ? value.ToString("0.0", CultureInfo.InvariantCulture)
        : value.ToString("0.00", CultureInfo.InvariantCulture);

    public string Markdown(Machine machine)
    {
        var s = new StringBuilder();
        s.AppendLine($"Date: {machine.Date:yyyy-MM-dd HH:mm} UTC; {machine.Cores} cores, {machine.CpuModel}; {machine.MemoryGiB:0.0} GiB; .NET {machine.Runtime}");
        s.AppendLine($"Load average before: {machine.LoadBefore}; after: {machine.LoadAfter}");
        s.AppendLine($"Machine speed ({Machine.CpuSpeedUnit}): {Format(machine.CpuSpeedBefore)} before, {(machine.CpuSpeedAfter is { } after ? Format(after) : "–")} after");
        if (machine.Damon is { } damon)
            s.AppendLine($"Kernel memory monitor (DAMON): {damon}");
        s.AppendLine();
        s.AppendLine("| scenario | metric | value | goal | result |");
        s.AppendLine("| --- | --- | ---: | --- | --- |");
        foreach (var m in Measurements)
            s.AppendLine($"| {m.Scenario} | {m.Metric} | {Format(m.Value)} {m.Unit} | {m.Goal ?? ""} | {(m.Pass is { } p ? p ? "pass" : "**FAIL**" : "")} |");
        if (Notes.Count > 0)
        {
            s.AppendLine();
            foreach (var n in Notes)
                s.AppendLine($"- {n}");
        }
        return s.ToString();
    }

    public void WriteJson(string path, Machine machine, string command)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var document = new { machine, command, measurements = Measurements, notes = Notes, details = Details };
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        }));
    }
}

/// <summary>The machine a run was taken on, load included: numbers from a shared 2-core box mean little without it.</summary>
public sealed class Machine
{
    public DateTimeOffset Date { get; } = DateTimeOffset.UtcNow;
    public int Cores { get; } = Environment.ProcessorCount;
    public string CpuModel { get; } = ReadCpuModel();
    public double MemoryGiB { get; } = ReadMemTotalKiB() / 1024.0 / 1024.0;
    public string Runtime { get; } = RuntimeInformation.FrameworkDescription;
    public string Os { get; } = RuntimeInformation.OSDescription;
    public string LoadBefore { get; } = LoadAverage();
    /// <summary>Which node ran (run.sh's ACTORNET_BENCH_NODE) and the runtime's code settings it inherited from the bench.</summary>
    public string NodeForm { get; } = DescribeNodeForm();
    public string? LoadAfter { get; set; }
    /// <summary>Whether the kernel's DAMON monitor runs here (<see cref="KernelThreads.Damon"/>): it takes a core in bursts under load.</summary>
    public string? Damon { get; } = KernelThreads.Damon();

    /// <summary>
    /// How fast one core of this machine is right now (<see cref="CpuSpeedUnit"/>): its speed drifts by a third within
    /// minutes (docs/benchmarks.md, "Machine"), and a figure means little without the speed it was taken at.
    /// </summary>
    public double CpuSpeedBefore { get; } = MeasureCpuSpeed();
    public double? CpuSpeedAfter { get; set; }

    public const string CpuSpeedUnit = "P-256 signature checks a second on one core, .NET's ECDsa, over 1 s";

    /// <summary>Checks one ECDSA P-256 signature again and again for a second: the costliest step of a single send at its recipient.</summary>
    public static double MeasureCpuSpeed()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var hash = SHA256.HashData("ActorNet machine speed"u8);
        var signature = key.SignHash(hash);
        for (var i = 0; i < 200; i++) // warm-up: code compiled, OpenSSL's tables in cache
            key.VerifyHash(hash, signature);
        var checks = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            for (var i = 0; i < 100; i++)
                if (key.VerifyHash(hash, signature))
                    checks++;
        }
        return checks / clock.Elapsed.TotalSeconds;
    }

    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }

    private static string DescribeNodeForm()
    {
        var node = Environment.GetEnvironmentVariable("ACTORNET_BENCH_NODE");
        var form = node is null ? "Release build output" : node.EndsWith(".dll", StringComparison.Ordinal) ? $"build output {node}" : "deployed (self-contained, trimmed, ReadyToRun, tiered compilation off)";
        var settings = new[] { "DOTNET_ReadyToRun", "DOTNET_TieredCompilation", "DOTNET_TieredPGO", "DOTNET_GCgen0size", "DOTNET_gcConcurrent", "DOTNET_gcServer", "DOTNET_GCNoAffinitize", "DOTNET_GCDynamicAdaptationMode" }
            .Select(name => (name, value: Environment.GetEnvironmentVariable(name)))
            .Where(s => s.value is not null)
            .Select(s => $"{s.name}={s.value}")
            .ToList();
        return settings.Count == 0 ? form : $"{form}, run with {string.Join(' ', settings)}";
    }

    private static string ReadCpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException) { return "unknown"; }
    }

    private static long ReadMemTotalKiB()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return long.Parse(line["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException) { return 0; }
    }
}

/// <summary>Median and percentiles of samples.</summary>
public static class Stats
{
    /// <summary>The nearest-rank percentile (<paramref name="p"/> from 0 to 1); NaN for no samples.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
