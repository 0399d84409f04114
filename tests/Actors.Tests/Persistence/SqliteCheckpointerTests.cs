using System.Collections.Concurrent;
using ActorNet.Actors.Hosting;
using LinqToDB;
using LinqToDB.Data;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ActorNet.Actors.Tests.Persistence;

public sealed class SqliteCheckpointerTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("actornet-checkpoint-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task What_a_writer_leaves_in_the_log_is_copied_into_the_database_file_beside_it()
    {
        var path = Path.Combine(_directory, "journal.db");
        using var writer = OpenWriterThatNeverCheckpoints(path);
        Write(writer, rows: 200);
        Assert.True(new FileInfo(path).Length < 64 * 1024, "the rows are in the log only, so far");

        using var checkpointer = new SqliteCheckpointer([path], TimeSpan.FromMilliseconds(20), (p, e) => Assert.Fail($"{p}: {e.Message}"));
        await WaitUntil(() => checkpointer.PagesCopied > 0);

        Assert.True(checkpointer.Checkpoints > 0);
        await WaitUntil(() => new FileInfo(path).Length > 200 * 1024); // 200 rows of 1 KB, now in the database file itself
    }

    [Fact]
    public async Task A_file_that_fails_is_reported_once_and_tried_again_while_the_others_are_checkpointed()
    {
        var broken = Path.Combine(_directory, "broken.db");
        await File.WriteAllTextAsync(broken, new string('x', 8192)); // not a SQLite file
        var path = Path.Combine(_directory, "journal.db");
        using var writer = OpenWriterThatNeverCheckpoints(path);
        Write(writer, rows: 50);
        var failures = new ConcurrentQueue<string>();

        using var checkpointer = new SqliteCheckpointer([broken, path], TimeSpan.FromMilliseconds(20), (p, _) => failures.Enqueue(p));
        await WaitUntil(() => checkpointer.Failures >= 3 && checkpointer.PagesCopied > 0);

        Assert.Equal([broken], failures); // told once, not every interval (a log line each)
    }

    [Fact]
    public async Task A_file_made_after_it_started_is_checkpointed_once_it_exists()
    {
        var path = Path.Combine(_directory, "later.db");
        using var checkpointer = new SqliteCheckpointer([path], TimeSpan.FromMilliseconds(20), (p, e) => Assert.Fail($"{p}: {e.Message}"));
        using var writer = OpenWriterThatNeverCheckpoints(path);
        Write(writer, rows: 50);
        await WaitUntil(() => checkpointer.PagesCopied > 0);
    }

    [Fact]
    public void The_journals_connections_leave_checkpoints_to_it_up_to_the_fallback()
    {
        var path = Path.Combine(_directory, "journal.db");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        SqliteJournalProvider.Register();

        // Twice: the second open takes the pooled connection the first returned, which keeps its setting.
        for (var i = 0; i < 2; i++)
        {
            using var journal = new DataConnection(new DataOptions().UseConnectionString(SqliteJournalProvider.ProviderName, connectionString));
            Assert.Equal(SqliteJournalProvider.FallbackAutoCheckpointPages, journal.Execute<long>("PRAGMA wal_autocheckpoint;"));
        }
        // A connection of its own, not from the pool the journal's share, keeps SQLite's default.
        using var other = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        other.Open();
        using var command = other.CreateCommand();
        command.CommandText = "PRAGMA wal_autocheckpoint;";
        Assert.Equal(1000L, command.ExecuteScalar());
    }

    private static SqliteConnection OpenWriterThatNeverCheckpoints(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, body BLOB);");
        return connection;
    }

    private static void Write(SqliteConnection connection, int rows)
    {
        for (var i = 0; i < rows; i++)
            Execute(connection, "INSERT INTO rows (body) VALUES (randomblob(1024));");
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "not within the bound");
            await Task.Delay(10);
        }
    }
}
