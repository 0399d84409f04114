using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ActorNet.Bench.Infrastructure;

/// <summary>A process the bench started: its output goes to a log file, and it is killed when the bench exits, however it exits.</summary>
public sealed class ChildProcess : IDisposable
{
    private static readonly Lock AllLock = new();
    private static readonly List<ChildProcess> All = [];

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private readonly Action<string>? _onLine;

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => KillAll());
    }

    private ChildProcess(string name, ProcessStartInfo info, string logFile, Action<string>? onLine)
    {
        Name = name;
        LogFile = logFile;
        _onLine = onLine;
        _log = new StreamWriter(logFile) { AutoFlush = true };
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        info.UseShellExecute = false;
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Write(e.Data);
        _process.ErrorDataReceived += (_, e) => Write(e.Data);
        StartedAt = Stopwatch.GetTimestamp();
        StartedAtUtc = DateTimeOffset.UtcNow;
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        lock (AllLock) All.Add(this);
    }

    public string Name { get; }
    public string LogFile { get; }
    public long StartedAt { get; }
    public DateTimeOffset StartedAtUtc { get; private set; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>dotnet DLL args</c> (or an executable) with extra environment variables.</summary>
    public static ChildProcess Start(string name, string program, IEnumerable<string> args, string logFile,
        IReadOnlyDictionary<string, string>? environment = null, Action<string>? onLine = null)
    {
        var info = program.EndsWith(".dll", StringComparison.Ordinal)
            ? new ProcessStartInfo(DotnetHost()) { ArgumentList = { program } }
            : new ProcessStartInfo(program);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        return new ChildProcess(name, info, logFile, onLine);
    }

    /// <summary>Starts a second copy of this bench program.</summary>
    public static ChildProcess StartSelf(string name, IEnumerable<string> args, string logFile, Action<string>? onLine = null)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var isHost = Path.GetFileNameWithoutExtension(self) == "dotnet";
        var program = isHost ? typeof(ChildProcess).Assembly.Location : self;
        return Start(name, program, args, logFile, onLine: onLine);
    }

    private static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    /// <summary>Resident memory (VmRSS in /proc/PID/status), in MiB; null when the process is gone.</summary>
    public double? ResidentMiB() => ReadKiB($"/proc/{Pid}/status", "VmRSS:") / 1024.0;

    /// <summary>
    /// Proportional set size (/proc/PID/smaps_rollup), in MiB: shared pages (the runtime's and the assemblies' files)
    /// divided among the processes mapping them, so the figure to add up across nodes on one machine.
    /// </summary>
    public double? ProportionalMiB() => ReadKiB($"/proc/{Pid}/smaps_rollup", "Pss:") / 1024.0;

    private static long? ReadKiB(string file, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
                if (line.StartsWith(key, StringComparison.Ordinal))
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0]);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>User plus system CPU time the process has used so far: less sensitive to a busy machine than wall time.</summary>
    public double? CpuSeconds()
    {
        try
        {
            _process.Refresh();
            return _process.HasExited ? null : _process.TotalProcessorTime.TotalSeconds;
        }
        catch (InvalidOperationException) { return null; }
    }

    public string Tail(int lines = 30)
    {
        lock (_logLock)
        {
            _log.Flush();
            try
            {
                using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                var all = reader.ReadToEnd().Split('\n');
                return string.Join('\n', all.TakeLast(lines));
            }
            catch (IOException e)
            {
                return $"(log {LogFile} unreadable: {e.Message})";
            }
        }
    }

    /// <summary>SIGTERM, so the node runs coordinated shutdown and leaves the cluster; SIGKILL if it has not exited in time.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
            return;
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Pid.ToString()]) { UseShellExecute = false }))
            kill?.WaitForExit(5000);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    public void Dispose()
    {
        Kill();
        lock (AllLock) All.Remove(this);
        lock (_logLock) _log.Dispose();
        _process.Dispose();
    }

    public static void KillAll()
    {
        ChildProcess[] all;
        lock (AllLock) all = All.ToArray();
        foreach (var child in all)
            child.Kill();
    }

    private void Write(string? line)
    {
        if (line is null)
            return;
        lock (_logLock)
        {
            try { _log.WriteLine(line); } catch (ObjectDisposedException) { }
        }
        _onLine?.Invoke(line);
    }
}
