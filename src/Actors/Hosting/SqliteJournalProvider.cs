using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.SQLite;
using LinqToDB.Internal.DataProvider.SQLite;
using LinqToDB.Internal.SqlProvider;
using LinqToDB.Internal.SqlQuery;
using LinqToDB.Mapping;

namespace ActorNet.Actors.Hosting;

/// <summary>
/// linq2db's Microsoft.Data.Sqlite provider, for Akka.Persistence.Sql on SQLite, except that a plain
/// <c>INSERT ... VALUES</c> keeps the SQL it was first built with. linq2db 6.5.1 builds a statement's SQL anew on every run
/// when any of its parameters is of a reference or nullable type, in case a null changes the text (<c>= @p</c> against
/// <c>IS NULL</c>); a journal row has strings and bytes, so every single-row write (Akka.Persistence.Sql writes a lone row
/// with <c>InsertAsync</c>) optimised and printed the same INSERT again: ~6–7 % of each node's CPU at 1,000 single sends/s
/// (docs/benchmarks.md, session 16). The values of an INSERT's parameters never change its text; every other statement,
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
