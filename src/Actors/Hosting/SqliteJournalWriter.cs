using Microsoft.Data.Sqlite;

namespace ActorNet.Actors.Hosting;

/// <summary>One journal row as Akka.Persistence.Sql lays it out on SQLite (its <c>journal</c> table, and <c>tags</c> for its tags).</summary>
public sealed record SqliteJournalRow(long Created, string PersistenceId, long SequenceNumber, byte[] Message, string Manifest, int Identifier,
    string WriterUuid, IReadOnlyCollection<string> Tags);

/// <summary>
/// Writes journal rows to a node's SQLite file on a thread of its own, through one connection and statements prepared once:
/// whatever rows are waiting when a commit ends go in the next transaction together, one commit (and fsync) for all.
/// </summary>
/// <remarks>
/// Akka.Persistence.Sql's own write path (a stream, linq2db building each multi-row INSERT, a connection and transaction
/// set up per write) cost ~0.2 ms of CPU per commit on top of SQLite's own, a third of a node's CPU at 1,000 single sends a
/// second (docs/benchmarks.md, session 28). The rows are the plugin's, byte for byte, so its reads, queries and deletes work on them.
/// </remarks>
public sealed class SqliteJournalWriter : IDisposable
{
    /// <summary>Rows in one transaction at most; requests are never split, so one larger request goes alone.</summary>
    public const int MaxRowsPerCommit = 1000;

    /// <summary>Message bytes in one transaction at most (one larger request goes alone): what one commit adds to the write-ahead log.</summary>
    public const long MaxBytesPerCommit = 8 * 1024 * 1024;

    private readonly string _connectionString;
    // Opened and prepared by the thread at its first write: the plugin creates the tables after this is made.
    private Statements? _statements;
    private readonly Queue<Request> _waiting = new();
    private readonly Thread _thread;
    private bool _idle;
    private bool _stopped;
    private long _commits;

    private sealed record Request(IReadOnlyList<SqliteJournalRow> Rows, long Bytes, TaskCompletionSource Done);

    public SqliteJournalWriter(string connectionString)
    {
        _connectionString = connectionString;
        _thread = new Thread(Run) { IsBackground = true, Name = "actornet.sqlite-writer" };
        _thread.Start();
    }

    /// <summary>The writer's connection and its statements, prepared once.</summary>
    private sealed class Statements : IDisposable
    {
        public readonly SqliteConnection Connection;
        public readonly SqliteCommand Insert, InsertTagged, InsertTag;

        public Statements(string connectionString)
        {
            Connection = new SqliteConnection(connectionString);
            try
            {
                Connection.Open();
                // As every journal connection: SqliteCheckpointer checkpoints beside this writer.
                SqliteJournalProvider.SetFallbackAutoCheckpoint(Connection);
                const string columns = "created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid";
                const string values = "@created, 0, @pid, @seq, @message, @manifest, @identifier, @writer";
                string[] rowParameters = ["@created", "@pid", "@seq", "@message", "@manifest", "@identifier", "@writer"];
                Insert = Prepared($"INSERT INTO journal ({columns}) VALUES ({values})", rowParameters);
                InsertTagged = Prepared($"INSERT INTO journal ({columns}) VALUES ({values}) RETURNING ordering", rowParameters);
                InsertTag = Prepared("INSERT INTO tags (ordering_id, tag, sequence_nr, persistence_id) VALUES (@ordering, @tag, @seq, @pid)",
                    ["@ordering", "@tag", "@seq", "@pid"]);
            }
            catch
            {
                // Tried again at the next write: nothing of this attempt stays open.
                Connection.Dispose();
                throw;
            }
        }

        private SqliteCommand Prepared(string sql, string[] parameters)
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            command.Prepare();
            return command;
        }

        public void Dispose()
        {
            Insert.Dispose();
            InsertTagged.Dispose();
            InsertTag.Dispose();
            Connection.Dispose();
        }
    }

    /// <summary>Transactions committed so far.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Completes once the rows are committed, in one transaction, with whatever else was waiting; fails if they were not.</summary>
    public Task WriteAsync(IReadOnlyList<SqliteJournalRow> rows)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiting)
        {
            if (_stopped)
                return Task.FromException(new ObjectDisposedException(nameof(SqliteJournalWriter), "the journal's writer has stopped"));
            _waiting.Enqueue(new Request(rows, rows.Sum(r => (long)r.Message.Length), done));
            if (_idle)
                Monitor.Pulse(_waiting);
        }
        return done.Task;
    }

    private void Run()
    {
        var batch = new List<Request>();
        while (true)
        {
            lock (_waiting)
            {
                while (_waiting.Count == 0)
                {
                    if (_stopped)
                        return;
                    _idle = true;
                    Monitor.Wait(_waiting);
                    _idle = false;
                }
                var (rows, bytes) = (0, 0L);
                while (_waiting.TryPeek(out var next)
                       && (batch.Count == 0 || (rows + next.Rows.Count <= MaxRowsPerCommit && bytes + next.Bytes <= MaxBytesPerCommit)))
                {
                    batch.Add(_waiting.Dequeue());
                    rows += next.Rows.Count;
                    bytes += next.Bytes;
                }
            }
            Write(batch);
            batch.Clear();
        }
    }

    private void Write(List<Request> batch)
    {
        try
        {
            Commit(batch);
            foreach (var request in batch)
                request.Done.TrySetResult();
        }
        catch (Exception) when (batch.Count > 1)
        {
            // One request's rows may be at fault (a sequence number written before): each alone, so only its writer hears of it.
            foreach (var request in batch)
                Write([request]);
        }
        catch (Exception e)
        {
            batch[0].Done.TrySetException(e);
        }
    }

    private void Commit(List<Request> batch)
    {
        var statements = _statements ??= new Statements(_connectionString);
        try
        {
            using var transaction = statements.Connection.BeginTransaction(deferred: false);
            foreach (var request in batch)
                foreach (var row in request.Rows)
                    Insert(statements, row, transaction);
            transaction.Commit();
        }
        catch (SqliteException)
        {
            // The next write starts from a fresh connection, whatever state this one was left in.
            _statements = null;
            statements.Dispose();
            throw;
        }
        Interlocked.Increment(ref _commits);
    }

    private static void Insert(Statements statements, SqliteJournalRow row, SqliteTransaction transaction)
    {
        var command = row.Tags.Count == 0 ? statements.Insert : statements.InsertTagged;
        command.Transaction = transaction;
        var p = command.Parameters;
        p[0].Value = row.Created;
        p[1].Value = row.PersistenceId;
        p[2].Value = row.SequenceNumber;
        p[3].Value = row.Message;
        p[4].Value = row.Manifest;
        p[5].Value = row.Identifier;
        p[6].Value = row.WriterUuid;
        if (row.Tags.Count == 0)
        {
            command.ExecuteNonQuery();
            return;
        }
        var ordering = (long)command.ExecuteScalar()!;
        var insertTag = statements.InsertTag;
        insertTag.Transaction = transaction;
        foreach (var tag in row.Tags)
        {
            insertTag.Parameters[0].Value = ordering;
            insertTag.Parameters[1].Value = tag;
            insertTag.Parameters[2].Value = row.SequenceNumber;
            insertTag.Parameters[3].Value = row.PersistenceId;
            insertTag.ExecuteNonQuery();
        }
    }

    /// <summary>Writes what is waiting, then stops the thread and closes the connection.</summary>
    public void Dispose()
    {
        lock (_waiting)
        {
            _stopped = true;
            Monitor.PulseAll(_waiting);
        }
        _thread.Join();
        _statements?.Dispose();
    }
}
