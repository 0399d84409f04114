using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorNet.Actors.Hosting;

public enum StorageKind { Sqlite, Postgres }

/// <summary>Where the journal and snapshots live: an embedded SQLite file or a PostgreSQL database.</summary>
public sealed record StorageSettings(StorageKind Kind, string ConnectionString, string? SqlitePath)
{
    /// <summary>
    /// Where the snapshot store writes. On SQLite a file of its own beside the journal's (<c>actornet-snapshots.db</c> beside
    /// <c>actornet.db</c>): SQLite has one writer a file, and a snapshot of a large outbox or inbox (megabytes, written in one
    /// transaction, then checkpointed) held every journal write behind it for a few hundred milliseconds (docs/benchmarks.md,
    /// session 13). On PostgreSQL the same database.
    /// </summary>
    public string SnapshotConnectionString => SnapshotPath is { } path ? SqliteConnectionString(path) : ConnectionString;

    /// <summary>How every SQLite file of a node is opened: the journal's, the snapshots', and by <see cref="StoragePreparation"/>.</summary>
    /// <remarks>The builder quotes a path that holds a separator; the pool is left at its default unless turned off.</remarks>
    internal static string SqliteConnectionString(string path, bool pooling = true)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path };
        if (!pooling)
            builder.Pooling = false;
        return builder.ToString();
    }

    /// <summary>The snapshot store's SQLite file; null on PostgreSQL.</summary>
    public string? SnapshotPath => SqlitePath is { } journal
        ? Path.Combine(Path.GetDirectoryName(journal)!, Path.GetFileNameWithoutExtension(journal) + "-snapshots" + Path.GetExtension(journal))
        : null;

    /// <summary>Linq2Db's provider name for Akka.Persistence.Sql (on SQLite, <see cref="SqliteJournalProvider"/>: register it first).</summary>
    public string ProviderName => Kind == StorageKind.Sqlite ? SqliteJournalProvider.ProviderName : "PostgreSQL.15";

    /// <summary>Where the data is, without any password: safe for a log line.</summary>
    public string Description => Kind == StorageKind.Sqlite
        ? $"sqlite:{SqlitePath}"
        : $"postgres:{RedactedPostgres(ConnectionString)}";

    /// <exception cref="OptionsException">The value is neither sqlite:PATH nor postgres:CONNECTION.</exception>
    public static StorageSettings Parse(string? value, string dataDirectory)
    {
        value ??= "sqlite:" + Path.Combine(dataDirectory, "actornet.db");
        if (value.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            var path = value["sqlite:".Length..];
            if (path.Length == 0)
                throw new OptionsException("--database sqlite: needs a file path, for example sqlite:var/FR/actornet.db");
            var full = Path.GetFullPath(path);
            return new StorageSettings(StorageKind.Sqlite, SqliteConnectionString(full), full);
        }
        if (value.StartsWith("postgres:", StringComparison.Ordinal))
            return ParsePostgres(value["postgres:".Length..]);
        throw new OptionsException($"--database must be sqlite:PATH or postgres:<connection string>, not '{Truncate(value)}'");
    }

    // Kept apart so a SQLite node never loads Npgsql.
    private static StorageSettings ParsePostgres(string conn)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(conn);
        }
        catch (ArgumentException e)
        {
            throw new OptionsException($"--database postgres: connection string is malformed ({e.Message}); write it as Host=...;Port=...;Database=...;Username=...;Password=...");
        }
        return new StorageSettings(StorageKind.Postgres, conn, null);
    }

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "…" : s;

    private static string RedactedPostgres(string conn)
    {
        var b = new NpgsqlConnectionStringBuilder(conn);
        return $"{b.Host}:{b.Port}/{b.Database}";
    }
}

/// <summary>Checks, before the actor system starts, that the data directory and the database can be used.</summary>
public static class StoragePreparation
{
    /// <exception cref="OptionsException">Something is unusable; the message names it.</exception>
    public static async Task PrepareAsync(string dataDirectory, StorageSettings storage, CancellationToken ct = default)
    {
        EnsureWritableDirectory(dataDirectory, "data directory");
        if (storage.Kind == StorageKind.Sqlite)
            PrepareSqlite(storage);
        else
            await PreparePostgresAsync(storage, ct);
    }

    public static void EnsureWritableDirectory(string directory, string what)
    {
        try
        {
            // Keys, tokens and the journal live here: owner only.
            if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(directory);
            else System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var probe = Path.Combine(directory, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OptionsException($"{what} {directory} cannot be created or written: {e.Message}");
        }
    }

    private static void PrepareSqlite(StorageSettings storage)
    {
        PrepareSqliteFile(storage.SqlitePath!);
        PrepareSqliteFile(storage.SnapshotPath!);
        MoveSnapshotsOutOfTheJournal(storage);
    }

    /// <summary>
    /// Before session 13 the snapshots lived in the journal's file. Actors that delete their events up to a snapshot (the
    /// directory and its copies) would come back without their state if the store looked only in its new file: the table
    /// moves over once, as it is (its own CREATE statements, then its rows), in one transaction.
    /// </summary>
    private static void MoveSnapshotsOutOfTheJournal(StorageSettings storage)
    {
        using var connection = new SqliteConnection(StorageSettings.SqliteConnectionString(storage.SqlitePath!, pooling: false));
        connection.Open();
        if (Scalar(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'snapshot'") == "0")
            return;
        if (Scalar(connection, "SELECT COUNT(*) FROM main.snapshot") == "0")
        {
            // Nothing to move (a store that made its table here and never wrote to it).
            Execute(connection, null, "DROP TABLE main.snapshot");
            return;
        }
        using (var attach = connection.CreateCommand())
        {
            attach.CommandText = "ATTACH DATABASE $path AS moved";
            attach.Parameters.AddWithValue("$path", storage.SnapshotPath);
            attach.ExecuteNonQuery();
        }
        if (Scalar(connection, "SELECT COUNT(*) FROM moved.sqlite_master WHERE type = 'table' AND name = 'snapshot'") != "0")
            throw new OptionsException($"database {storage.SqlitePath} and {storage.SnapshotPath} both hold snapshots: keep the latter's and drop the former's table, or restore both from one backup");
        var schema = new List<string>();
        using (var statements = connection.CreateCommand())
        {
            // The table first, then its indexes: as the plugin made them.
            statements.CommandText = "SELECT sql FROM main.sqlite_master WHERE tbl_name = 'snapshot' AND sql IS NOT NULL ORDER BY type = 'index', name";
            using var reader = statements.ExecuteReader();
            while (reader.Read())
                schema.Add(reader.GetString(0));
        }
        using var transaction = connection.BeginTransaction();
        foreach (var create in schema)
            Execute(connection, transaction, Regex.Replace(create, @"^CREATE (UNIQUE )?(TABLE|INDEX) (IF NOT EXISTS )?", "CREATE $1$2 $3moved.", RegexOptions.IgnoreCase));
        Execute(connection, transaction, "INSERT INTO moved.snapshot SELECT * FROM main.snapshot");
        Execute(connection, transaction, "DROP TABLE main.snapshot");
        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void PrepareSqliteFile(string path)
    {
        if (System.IO.Directory.Exists(path))
            throw new OptionsException($"database {path} is a directory, not a SQLite file");
        EnsureWritableDirectory(Path.GetDirectoryName(path)!, "database directory");
        try
        {
            using var connection = new SqliteConnection(StorageSettings.SqliteConnectionString(path, pooling: false));
            connection.Open();
            // WAL lets readers run beside the journal's writer and commits far faster than the rollback journal.
            Scalar(connection, "PRAGMA journal_mode=WAL;");
            var check = Scalar(connection, "PRAGMA quick_check;");
            if (!string.Equals(check, "ok", StringComparison.OrdinalIgnoreCase))
                throw new OptionsException($"database {path} is corrupt ({check}): restore it from a backup or move it aside");
        }
        catch (SqliteException e)
        {
            throw new OptionsException($"database {path} is unreadable or corrupt: {e.Message.TrimEnd('.')}; restore it from a backup or move it aside");
        }
    }

    private static string? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()?.ToString();
    }

    private static async Task PreparePostgresAsync(StorageSettings storage, CancellationToken ct)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(storage.ConnectionString) { Timeout = 10 };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            throw new OptionsException($"database {storage.Description} cannot be reached: {e.Message.TrimEnd('.')}");
        }
    }
}
