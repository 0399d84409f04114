using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

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

    private sealed record Request(IReadOnlyList<SqliteJournalRow> Rows, long Bytes, Task? After, TaskCompletionSource Done);

    public SqliteJournalWriter(string connectionString)
    {
        _connectionString = connectionString;
        _thread = new Thread(Run) { IsBackground = true, Name = "actornet.sqlite-writer" };
        _thread.Start();
    }

    /// <summary>
    /// The writer's connection and its statements, prepared once and bound through SQLite's own calls: Microsoft.Data.Sqlite
    /// binds each execution's parameters through its own objects and opens a data reader for each, a row's worth of
    /// allocations and checks that a statement run thousands of times a second with the same shape does not need.
    /// </summary>
    private sealed class Statements : IDisposable
    {
        private const int BusyTimeoutMs = 30_000;

        public readonly SqliteConnection Connection;
        public readonly Statement Begin, End, Insert, InsertTagged, InsertTag;

        public Statements(string connectionString)
        {
            Connection = new SqliteConnection(connectionString);
            var prepared = new List<Statement>();
            try
            {
                Connection.Open();
                // As every journal connection: SqliteCheckpointer checkpoints beside this writer.
                SqliteJournalProvider.SetFallbackAutoCheckpoint(Connection);
                const string columns = "created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid";
                const string values = "?1, 0, ?2, ?3, ?4, ?5, ?6, ?7";
                // BEGIN waits for another connection's write (the plugin's deletes) as Microsoft.Data.Sqlite's commands do, up to
                // its default 30 s, but in SQLite's own busy handler: this statement is stepped here, not by Microsoft.Data.Sqlite.
                Statement.Check(raw.sqlite3_busy_timeout(Connection.Handle!, BusyTimeoutMs), Connection.Handle!);
                // The transaction's own statements too: Microsoft.Data.Sqlite prepares and finalises BEGIN and COMMIT anew for each.
                prepared.Add(Begin = new Statement(Connection.Handle!, "BEGIN IMMEDIATE"));
                prepared.Add(End = new Statement(Connection.Handle!, "COMMIT"));
                prepared.Add(Insert = new Statement(Connection.Handle!, $"INSERT INTO journal ({columns}) VALUES ({values})"));
                prepared.Add(InsertTagged = new Statement(Connection.Handle!, $"INSERT INTO journal ({columns}) VALUES ({values}) RETURNING ordering"));
                prepared.Add(InsertTag = new Statement(Connection.Handle!, "INSERT INTO tags (ordering_id, tag, sequence_nr, persistence_id) VALUES (?1, ?2, ?3, ?4)"));
            }
            catch
            {
                // Tried again at the next write: nothing of this attempt stays open.
                foreach (var statement in prepared)
                    statement.Dispose();
                Connection.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            Begin.Dispose();
            End.Dispose();
            Insert.Dispose();
            InsertTagged.Dispose();
            InsertTag.Dispose();
            Connection.Dispose();
        }
    }

    /// <summary>One prepared statement: parameters bound by position, run, and reset for the next row. Failures throw <see cref="SqliteException"/>.</summary>
    private sealed class Statement : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _handle;

        public Statement(sqlite3 db, string sql)
        {
            _db = db;
            Check(raw.sqlite3_prepare_v2(db, sql, out _handle));
        }

        public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_handle, index, value));

        public void Bind(int index, ReadOnlySpan<byte> blob) => Check(raw.sqlite3_bind_blob(_handle, index, blob));

        /// <summary>Binds text as UTF-8, SQLite copying it: a journal's ids and manifests fit on the stack; longer text is encoded anew.</summary>
        public void Bind(int index, string text)
        {
            Span<byte> buffer = stackalloc byte[512];
            if (Encoding.UTF8.TryGetBytes(text, buffer, out var written))
                Check(raw.sqlite3_bind_text(_handle, index, buffer[..written]));
            else
                Check(raw.sqlite3_bind_text(_handle, index, Encoding.UTF8.GetBytes(text)));
        }

        /// <summary>Runs a statement that returns nothing.</summary>
        public void Run()
        {
            var rc = raw.sqlite3_step(_handle);
            raw.sqlite3_reset(_handle);
            if (rc != raw.SQLITE_DONE)
                Check(rc);
        }

        /// <summary>Runs a statement that returns one integer (an INSERT's RETURNING).</summary>
        public long RunScalar()
        {
            var rc = raw.sqlite3_step(_handle);
            if (rc != raw.SQLITE_ROW)
            {
                raw.sqlite3_reset(_handle);
                Check(rc == raw.SQLITE_DONE ? raw.SQLITE_MISUSE : rc);
            }
            var value = raw.sqlite3_column_int64(_handle, 0);
            rc = raw.sqlite3_step(_handle);
            raw.sqlite3_reset(_handle);
            if (rc != raw.SQLITE_DONE)
                Check(rc);
            return value;
        }

        private void Check(int rc) => Check(rc, _db);

        /// <summary>Throws SQLite's error for <paramref name="rc"/> on <paramref name="db"/> unless it is <c>SQLITE_OK</c>.</summary>
        public static void Check(int rc, sqlite3 db)
        {
            if (rc != raw.SQLITE_OK)
                SqliteException.ThrowExceptionForRC(rc, db);
        }

        public void Dispose() => _handle.Dispose();
    }

    /// <summary>Transactions committed so far.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Completes once the rows are committed, in one transaction, with whatever else was waiting; fails if they were not.</summary>
    /// <remarks>
    /// Continuations that may run synchronously run on the writer's thread, before its next commit: keep them short (the
    /// journal's tell an actor). Handing them to the thread pool instead cost a thread's wake-up a commit, ~3 % of a sending
    /// node's CPU at 1,000 single sends a second (docs/benchmarks.md, session 37).
    /// </remarks>
    /// <param name="rows">The rows; none, to complete in turn after what was asked before without a commit of its own.</param>
    /// <param name="after">
    /// An earlier write these rows follow on from (the same actor's): if it failed, these are not written and fail too, so an
    /// actor that writes again before it hears of a failure leaves no gap in its journal.
    /// </param>
    public Task WriteAsync(IReadOnlyList<SqliteJournalRow> rows, Task? after = null)
    {
        var done = new TaskCompletionSource();
        lock (_waiting)
        {
            if (_stopped)
                return Task.FromException(new ObjectDisposedException(nameof(SqliteJournalWriter), "the journal's writer has stopped"));
            _waiting.Enqueue(new Request(rows, rows.Sum(r => (long)r.Message.Length), after, done));
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
                    {
                        // The connection is this thread's alone, to the end.
                        _statements?.Dispose();
                        return;
                    }
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
        // What it followed on from is done by now: written before, or in this batch, which fails whole and is then tried one by one.
        batch.RemoveAll(r =>
        {
            if (r.After is not { IsFaulted: true })
                return false;
            r.Done.TrySetException(new InvalidOperationException("not written: an earlier write it follows on from failed"));
            return true;
        });
        if (batch.TrueForAll(r => r.Rows.Count == 0))
        {
            foreach (var request in batch)
                request.Done.TrySetResult();
            return;
        }
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
            statements.Begin.Run();
            foreach (var request in batch)
                foreach (var row in request.Rows)
                    Insert(statements, row);
            statements.End.Run();
        }
        catch (Exception)
        {
            // The next write starts from a fresh connection, whatever state this one was left in. The pool keeps the handle
            // open, and Microsoft.Data.Sqlite rolls back only transactions it began: this one is rolled back here.
            if (raw.sqlite3_get_autocommit(statements.Connection.Handle!) == 0)
                raw.sqlite3_exec(statements.Connection.Handle!, "ROLLBACK");
            _statements = null;
            statements.Dispose();
            throw;
        }
        Interlocked.Increment(ref _commits);
    }

    private static void Insert(Statements statements, SqliteJournalRow row)
    {
        var insert = row.Tags.Count == 0 ? statements.Insert : statements.InsertTagged;
        insert.Bind(1, row.Created);
        insert.Bind(2, row.PersistenceId);
        insert.Bind(3, row.SequenceNumber);
        insert.Bind(4, row.Message);
        insert.Bind(5, row.Manifest);
        insert.Bind(6, row.Identifier);
        insert.Bind(7, row.WriterUuid);
        if (row.Tags.Count == 0)
        {
            insert.Run();
            return;
        }
        var ordering = insert.RunScalar();
        var insertTag = statements.InsertTag;
        foreach (var tag in row.Tags)
        {
            insertTag.Bind(1, ordering);
            insertTag.Bind(2, tag);
            insertTag.Bind(3, row.SequenceNumber);
            insertTag.Bind(4, row.PersistenceId);
            insertTag.Run();
        }
    }

    /// <summary>Writes what is waiting, then stops the thread and closes the connection.</summary>
    /// <remarks>From a write's continuation (on the writer's thread) it does not wait: the thread stops once that is done.</remarks>
    public void Dispose()
    {
        lock (_waiting)
        {
            _stopped = true;
            Monitor.PulseAll(_waiting);
        }
        if (Thread.CurrentThread != _thread)
            _thread.Join();
    }
}
