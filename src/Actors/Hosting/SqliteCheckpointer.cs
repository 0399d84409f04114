using Microsoft.Data.Sqlite;

namespace ActorNet.Actors.Hosting;

/// <summary>
/// Checkpoints a node's SQLite files (journal and snapshots) on a thread of its own, so that the journal's commits do not.
/// By default the connection whose commit takes the write-ahead log past 1,000 pages copies the log into the database
/// file and fsyncs it, inside that commit: at 1,000 single sends a second that was several times a second, each holding
/// every write queued behind it for a few milliseconds more (docs/benchmarks.md, session 24). Here a passive checkpoint
/// runs every <see cref="Interval"/> beside the writer, which goes on appending to the log meanwhile; the journal's
/// connections checkpoint themselves only past <see cref="SqliteJournalProvider.FallbackAutoCheckpointPages"/>, should
/// this thread fall behind. What a commit promises is unchanged: it still fsyncs the log.
/// </summary>
public sealed class SqliteCheckpointer : IDisposable
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    private readonly DatabaseFile[] _files;
    private readonly Action<string, Exception> _failed;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _checkpoints;
    private long _pagesCopied;
    private long _failures;

    /// <summary>One file's connection (once the file exists) and what its checkpoints last said; only the thread touches it.</summary>
    private sealed class DatabaseFile(string path)
    {
        public string Path { get; } = path;
        public SqliteConnection? Connection;
        // Frames count from the log's start until the writer starts it over, so a second checkpoint of the same log reports
        // the frames the first copied again: only the increase is new (after a restart, all of them).
        public long CheckpointedFrames;
        // Its last checkpoint failed: told of once, not every interval, until one succeeds again.
        public bool Failing;
    }

    /// <param name="paths">The SQLite files to checkpoint (in WAL mode).</param>
    /// <param name="failed">
    /// Told of a file whose checkpoint failed (the path and why), once until one of its checkpoints succeeds again; the next
    /// goes ahead as planned.
    /// </param>
    public SqliteCheckpointer(IEnumerable<string> paths, TimeSpan interval, Action<string, Exception> failed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _files = paths.Distinct().Select(path => new DatabaseFile(path)).ToArray();
        Interval = interval;
        _failed = failed;
        _thread = new Thread(Run) { IsBackground = true, Name = "actornet.sqlite-checkpoint" };
        _thread.Start();
    }

    public TimeSpan Interval { get; }

    /// <summary>Checkpoints that copied at least one page, over every file.</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>Checkpoints that failed, every one of them.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Pages copied from the logs into the database files so far (as the checkpoints reported them).</summary>
    public long PagesCopied => Interlocked.Read(ref _pagesCopied);

    private void Run()
    {
        try
        {
            // Waiting on the token's handle: the loop ends as soon as the node stops, not an interval later.
            while (!_stop.Token.WaitHandle.WaitOne(Interval))
                foreach (var file in _files)
                    Checkpoint(file);
        }
        finally
        {
            foreach (var file in _files)
                file.Connection?.Dispose();
        }
    }

    private void Checkpoint(DatabaseFile file)
    {
        try
        {
            if (file.Connection is null)
            {
                if (!File.Exists(file.Path))
                    return; // not made yet: the journal makes its file on its first start
                file.Connection = new SqliteConnection(StorageSettings.SqliteConnectionString(file.Path));
                file.Connection.Open();
            }
            using var command = file.Connection.CreateCommand();
            // PASSIVE: copies what no reader still needs, never waits for the writer or readers, never blocks them.
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            using var result = command.ExecuteReader();
            if (result.Read())
                Count(file, result.GetInt64(2));
            file.Failing = false;
        }
        catch (SqliteException e)
        {
            Interlocked.Increment(ref _failures);
            if (!file.Failing)
                _failed(file.Path, e);
            file.Failing = true;
            file.Connection?.Dispose();
            file.Connection = null;
        }
    }

    private void Count(DatabaseFile file, long checkpointedFrames)
    {
        var copied = checkpointedFrames >= file.CheckpointedFrames ? checkpointedFrames - file.CheckpointedFrames : checkpointedFrames;
        file.CheckpointedFrames = checkpointedFrames;
        if (copied <= 0)
            return;
        Interlocked.Add(ref _pagesCopied, copied);
        Interlocked.Increment(ref _checkpoints);
    }

    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
            return;
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
