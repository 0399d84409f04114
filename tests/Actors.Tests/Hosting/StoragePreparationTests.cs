using ActorNet.Actors.Hosting;
using Xunit;

namespace ActorNet.Actors.Tests.Hosting;

public sealed class StoragePreparationTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "actornet-storage-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (System.IO.Directory.Exists(_dir)) System.IO.Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task New_sqlite_database_is_created_in_WAL_mode_with_its_snapshots_in_a_file_of_their_own()
    {
        var storage = StorageSettings.Parse(null, _dir);
        await StoragePreparation.PrepareAsync(_dir, storage);

        Assert.Equal(Path.Combine(_dir, "actornet-snapshots.db"), storage.SnapshotPath);
        Assert.Equal($"Data Source={storage.SnapshotPath}", storage.SnapshotConnectionString);
        foreach (var connectionString in new[] { storage.ConnectionString, storage.SnapshotConnectionString })
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString + ";Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode;";
            Assert.Equal("wal", command.ExecuteScalar());
        }
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir));
    }

    [Theory]
    [InlineData("actornet.db")]
    [InlineData("actornet-snapshots.db")]
    public async Task Corrupt_sqlite_file_is_refused_with_its_path(string name)
    {
        System.IO.Directory.CreateDirectory(_dir);
        var file = Path.Combine(_dir, name);
        await File.WriteAllBytesAsync(file, Enumerable.Range(0, 8192).Select(i => (byte)(i * 7)).ToArray());

        var e = await Assert.ThrowsAsync<OptionsException>(() => StoragePreparation.PrepareAsync(_dir, StorageSettings.Parse(null, _dir)));
        Assert.Contains(file, e.Message);
        Assert.Contains("corrupt", e.Message);
    }

    [Fact]
    public async Task Snapshots_of_an_older_node_move_out_of_the_journal_file_once_with_their_table_as_it_was()
    {
        // A data directory from before session 13: the snapshot table in the journal's file, as the plugin made it (its statement
        // copied from a node's actornet.db).
        System.IO.Directory.CreateDirectory(_dir);
        var journal = Path.Combine(_dir, "actornet.db");
        const string table = "CREATE TABLE [snapshot]\n(\n\t[persistence_id]  NVarChar(255) NOT NULL,\n\t[sequence_number] INTEGER       NOT NULL,\n" +
                             "\t[created]         INTEGER       NOT NULL,\n\t[snapshot]        VarBinary         NULL,\n\t[manifest]        NVarChar(500)     NULL,\n" +
                             "\t[serializer_id]   INTEGER           NULL,\n\n\tCONSTRAINT [PK_snapshot] PRIMARY KEY ([persistence_id], [sequence_number])\n)";
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={journal};Pooling=False"))
        {
            old.Open();
            Run(old, table);
            Run(old, "CREATE INDEX snapshot_sequence_number_idx ON snapshot (sequence_number)");
            Run(old, "CREATE INDEX snapshot_created_idx ON snapshot (created)");
            Run(old, "INSERT INTO snapshot VALUES ('directory', 42, 1, x'0a0b0c', 'd', 7), ('outbox-FR', 10, 2, x'01', 'o', 7)");
        }
        var storage = StorageSettings.Parse(null, _dir);

        await StoragePreparation.PrepareAsync(_dir, storage);
        await StoragePreparation.PrepareAsync(_dir, storage); // a second start finds nothing more to move

        using var moved = new Microsoft.Data.Sqlite.SqliteConnection(storage.SnapshotConnectionString + ";Pooling=False");
        moved.Open();
        Assert.Equal("directory 42 0A0B0C|outbox-FR 10 01", Query(moved, "SELECT group_concat(persistence_id || ' ' || sequence_number || ' ' || hex(snapshot), '|') FROM (SELECT * FROM snapshot ORDER BY persistence_id)"));
        Assert.Equal(table, Query(moved, "SELECT sql FROM sqlite_master WHERE name = 'snapshot'"));
        Assert.Equal("snapshot_created_idx snapshot_sequence_number_idx sqlite_autoindex_snapshot_1",
            Query(moved, "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name)"));
        using var left = new Microsoft.Data.Sqlite.SqliteConnection(storage.ConnectionString + ";Pooling=False");
        left.Open();
        Assert.Equal("0", Query(left, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'snapshot'"));
    }

    private static void Run(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string? Query(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()?.ToString();
    }

    [Fact]
    public void Postgres_keeps_its_snapshots_in_the_same_database()
    {
        var storage = StorageSettings.Parse("postgres:Host=127.0.0.1;Port=5432;Database=x;Username=u;Password=p", _dir);
        Assert.Null(storage.SnapshotPath);
        Assert.Equal(storage.ConnectionString, storage.SnapshotConnectionString);
    }

    [Fact]
    public async Task Database_path_that_is_a_directory_is_refused()
    {
        System.IO.Directory.CreateDirectory(Path.Combine(_dir, "actornet.db"));
        var e = await Assert.ThrowsAsync<OptionsException>(() => StoragePreparation.PrepareAsync(_dir, StorageSettings.Parse(null, _dir)));
        Assert.Contains("is a directory", e.Message);
    }

    [Fact]
    public async Task Data_directory_that_cannot_be_created_is_refused()
    {
        System.IO.Directory.CreateDirectory(_dir);
        var blocker = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(blocker, "");
        var data = Path.Combine(blocker, "data");

        var e = await Assert.ThrowsAsync<OptionsException>(() => StoragePreparation.PrepareAsync(data, StorageSettings.Parse(null, data)));
        Assert.Contains("cannot be created or written", e.Message);
    }

    [Fact]
    public async Task Unreachable_postgres_is_refused_without_its_password()
    {
        var storage = StorageSettings.Parse("postgres:Host=127.0.0.1;Port=1;Database=x;Username=u;Password=hunter2;Timeout=2", _dir);
        var e = await Assert.ThrowsAsync<OptionsException>(() => StoragePreparation.PrepareAsync(_dir, storage));
        Assert.Contains("cannot be reached", e.Message);
        Assert.DoesNotContain("hunter2", e.Message);
    }
}
