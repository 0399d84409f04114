using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorNet.Actors.Hosting;

public enum StorageKind { Sqlite, Postgres }

/// <summary>Where the journal and snapshots live: an embedded SQLite file or a PostgreSQL database.</summary>
public sealed record StorageSettings(StorageKind Kind, string ConnectionString, string? SqlitePath)
{
    /// <summary>Linq2Db's provider name for Akka.Persistence.Sql.</summary>
    public string ProviderName => Kind == StorageKind.Sqlite ? "SQLite.MS" : "PostgreSQL.15";

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
            return new StorageSettings(StorageKind.Sqlite, $"Data Source={full}", full);
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
        var path = storage.SqlitePath!;
        if (System.IO.Directory.Exists(path))
            throw new OptionsException($"database {path} is a directory, not a SQLite file");
        EnsureWritableDirectory(Path.GetDirectoryName(path)!, "database directory");
        try
        {
            using var connection = new SqliteConnection(storage.ConnectionString + ";Pooling=False");
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
