using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.SQLite;
using LinqToDB.Internal.DataProvider.SQLite;
using LinqToDB.Internal.SqlProvider;
using LinqToDB.Internal.SqlQuery;
using LinqToDB.Mapping;
using Microsoft.Data.Sqlite;

namespace ActorNet.Actors.Hosting;

/// <summary>
/// linq2db's Microsoft.Data.Sqlite provider, for Akka.Persistence.Sql on SQLite, except that a plain
/// <c>INSERT ... VALUES</c> keeps the SQL it was first built with. linq2db 6.5.1 builds a statement's SQL anew on every run
/// when any of its parameters is of a reference or nullable type, in case a null changes the text (<c>= @p</c> against
/// <c>IS NULL</c>); a journal row has strings and bytes, so every single-row write (Akka.Persistence.Sql writes a lone row
/// with <c>InsertAsync</c>) optimised and printed the same INSERT again: ~6–7 % of each node's CPU at 1,000 single sends/s
/// (docs/benchmarks.md, session 16). The journal's writes now go through <see cref="SqliteJournalWriter"/>; the snapshot
/// store's still come here. The values of an INSERT's parameters never change its text; every other statement,
/// the journal's reads among them, is judged as linq2db judges it.
/// </summary>
public sealed class SqliteJournalProvider : SQLiteDataProvider
{
    /// <summary>The provider name Akka.Persistence.Sql is given; it starts with "SQLite", as the plugin's own SQLite checks expect.</summary>
    public const string ProviderName = "SQLite.MS.ActorNet";

    private static readonly Lazy<SqliteJournalProvider> Registered = new(() =>
    {
        var provider = new SqliteJournalProvider();
        DataConnection.AddDataProvider(ProviderName, provider);
        return provider;
    });

    private readonly ISqlOptimizer _optimizer;

    private SqliteJournalProvider() : base(ProviderName, SQLiteProvider.Microsoft) => _optimizer = new InsertKeepingOptimizer(SqlProviderFlags);

    /// <summary>Makes <see cref="ProviderName"/> known to linq2db; once a process, before the journal opens a connection.</summary>
    public static void Register() => _ = Registered.Value;

    /// <summary>
    /// Pages the write-ahead log may hold before a commit checkpoints it (SQLite's default is 1,000): <see cref="SqliteCheckpointer"/>
    /// does it beside the writer; this is the fallback should it fall behind (40 MB of log at 4 KB pages).
    /// </summary>
    public const int FallbackAutoCheckpointPages = 10_000;

    // Set once for each of the pool's connections (a pooled SqliteConnection reopens the same handle).
    private static readonly ConditionalWeakTable<object, object> CheckpointSet = new();

    protected override DbConnection CreateConnectionInternal(string connectionString)
    {
        var connection = base.CreateConnectionInternal(connectionString);
        connection.StateChange += SetAutoCheckpoint;
        return connection;
    }

    private static void SetAutoCheckpoint(object? sender, StateChangeEventArgs e)
    {
        if (e.CurrentState != ConnectionState.Open || sender is not SqliteConnection { Handle: { } handle } connection
            || CheckpointSet.TryGetValue(handle, out _))
            return;
        SetFallbackAutoCheckpoint(connection);
        CheckpointSet.AddOrUpdate(handle, handle);
    }

    /// <summary>Leaves checkpoints to <see cref="SqliteCheckpointer"/> on this connection, up to <see cref="FallbackAutoCheckpointPages"/>.</summary>
    internal static void SetFallbackAutoCheckpoint(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_autocheckpoint={FallbackAutoCheckpointPages};";
        command.ExecuteNonQuery();
    }

    public override ISqlOptimizer GetSqlOptimizer(DataOptions dataOptions) => _optimizer;

    /// <summary>
    /// Re-implements <see cref="ISqlOptimizer.IsParameterDependent"/> (the base class's is not virtual): an INSERT whose values
    /// are parameters, reading from no table and returning nothing, depends on no parameter's value.
    /// </summary>
    private sealed class InsertKeepingOptimizer(SqlProviderFlags flags) : SQLiteSqlOptimizer(flags), ISqlOptimizer
    {
        bool ISqlOptimizer.IsParameterDependent(NullabilityContext nullability, MappingSchema mappingSchema, SqlStatement statement, DataOptions dataOptions) =>
            statement is not SqlInsertStatement { SelectQuery.From.Tables.Count: 0, Output: null, With: null }
            && IsParameterDependent(nullability, mappingSchema, statement, dataOptions);
    }
}
