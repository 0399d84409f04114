using ActorNet.Actors.Audit;
using ActorNet.Actors.Bureaus;
using ActorNet.Actors.Hosting;
using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Bureaus;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit;

namespace ActorNet.Actors.Tests.Persistence;

/// <summary>
/// The real journal (Akka.Persistence.Sql) on both stores the node supports: what a bureau actor acknowledged
/// is there after its actor system is gone and a new one starts on the same database.
/// PostgreSQL comes from ACTORNET_TEST_POSTGRES, which .ci/run sets after starting its own server.
/// </summary>
public sealed class SqlPersistenceTests
{
    private static readonly BureauCode FR = new("FR");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Bureau_state_survives_a_restart_of_its_actor_system(string store)
    {
        await using var database = await TestDatabase.CreateAsync(store);

        await using (var first = await StartAsync(database.Storage))
        {
            var bureau = first.System.ActorOf(BureauActor.Props(FR));
            await bureau.Ask<BureauQueries.Profile>(new BureauCommands.RecordNodeStart(FR, "n1", "akka.tcp://actornet@h:1", "0.1.0", "s1"), Timeout);
            await bureau.Ask<BureauQueries.Profile>(new BureauCommands.RecordNodeStart(FR, "n1", "akka.tcp://actornet@h:1", "0.1.0", "s1"), Timeout);
            await bureau.Ask<BureauQueries.Profile>(new BureauCommands.ChangeSettings(FR, "BCN Paris", "ncb@example.fr"), Timeout);
        }

        await using var second = await StartAsync(database.Storage);
        var recovered = await second.System.ActorOf(BureauActor.Props(FR))
            .Ask<BureauQueries.Profile>(new BureauQueries.GetProfile(FR), Timeout);

        Assert.Equal("BCN Paris", recovered.DisplayName);
        Assert.Equal("ncb@example.fr", recovered.ContactEmail);
        Assert.Equal(1, recovered.NodeStarts); // the repeated start was recorded once
    }

    [Fact]
    public async Task Each_connection_is_made_from_the_plugins_options_not_cloned()
    {
        // A clone combines the plugin's mapping schema with the provider's anew for every write (docs/benchmarks.md, session 17).
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var running = await StartAsync(database.Storage);
        var config = running.System.Settings.Config;

        foreach (var plugin in new[] { "journal.sql", "query.journal.sql", "snapshot-store.sql" })
            Assert.False(config.GetBoolean($"akka.persistence.{plugin}.use-clone-connection", true), plugin);
        // And the journal writes and reads back through such connections.
        var bureau = running.System.ActorOf(BureauActor.Props(FR));
        await bureau.Ask<BureauQueries.Profile>(new BureauCommands.ChangeSettings(FR, "BCN Paris", "ncb@example.fr"), Timeout);
        var again = await running.System.ActorOf(BureauActor.Props(FR)).Ask<BureauQueries.Profile>(new BureauQueries.GetProfile(FR), Timeout);
        Assert.Equal("BCN Paris", again.DisplayName);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Rows_written_together_go_as_parameters_and_read_back_whole(string store)
    {
        // A multi-row INSERT with its values as literals spelled every envelope's bytes out in hex, for the database to parse
        // back (docs/benchmarks.md, session 24). On SQLite the journal's own writer binds every row's values (SqliteJournalWriter).
        await using var database = await TestDatabase.CreateAsync(store);
        await using var running = await StartAsync(database.Storage);
        Assert.True(running.System.Settings.Config.GetBoolean("akka.persistence.journal.sql.prefer-parameters-on-multirow-insert", false));

        // Three hundred entries recorded at once are written together; verifying reads every one back from the database.
        var audit = running.System.ActorOf(AuditActor.Props("rows-" + store));
        var detail = new string('d', 2000);
        for (var i = 1; i <= 300; i++)
            audit.Tell(new AuditCommands.Record(AuditKinds.MessageSent, $"m{i}", "US", $"{i} {detail}"));
        Assert.Equal(300, (await audit.Ask<AuditCommands.Flushed>(AuditCommands.Flush.Instance, Timeout)).UpToSequence);
        var verified = await audit.Ask<AuditQueries.Verification>(new AuditQueries.Verify(), Timeout);
        Assert.True(verified.Intact, verified.Problem);
        Assert.Equal(300, verified.EntriesChecked);
    }

    [Theory]
    [InlineData("sqlite", ActorNetHosting.SqliteJournalDispatcher)]
    [InlineData("postgres", "akka.actor.default-dispatcher")]
    public async Task On_sqlite_the_journals_streams_run_on_threads_of_their_own(string store, string expected)
    {
        // Microsoft.Data.Sqlite blocks the calling thread for a whole statement; Npgsql does not. (Writes on SQLite go through
        // SqliteWriteJournal's own thread: SqliteWriteJournalTests.)
        await using var database = await TestDatabase.CreateAsync(store);
        await using var running = await StartAsync(database.Storage);
        var system = running.System;
        var bureau = system.ActorOf(BureauActor.Props(FR));
        await bureau.Ask<BureauQueries.Profile>(new BureauCommands.ChangeSettings(FR, "BCN Paris", "ncb@example.fr"), Timeout);

        Assert.Equal(expected, system.Settings.Config.GetString("akka.persistence.journal.sql.materializer-dispatcher"));
        // The journal's streams (its reads, and its write queue where it writes) run as actors under its stream supervisor, on that dispatcher.
        var stage = await system.ActorSelection("/system/akka.persistence.journal.sql/StreamSupervisor-*/*").Ask<ActorIdentity>(new Identify(null), Timeout);
        Assert.NotNull(stage.Subject);
        Assert.Equal(expected, ((ActorRefWithCell)stage.Subject!).Underlying.Props.Dispatcher);
        if (store == "sqlite") // threads of its own, not the thread pool's, that park when idle
            Assert.Equal(typeof(ParkingThreadsExecutorConfigurator), Type.GetType(system.Settings.Config.GetString(expected + ".executor")));
    }

    [Theory]
    [InlineData("sqlite", true)]
    [InlineData("postgres", false)]
    public async Task Only_a_journal_of_the_nodes_own_lets_the_Secretariats_outbox_and_inbox_catch_up_the_audit_log(string store, bool own)
    {
        // A SQLite file is one node's; a PostgreSQL database may be shared by GS nodes that hand the Secretariat's actors between them.
        await using var database = await TestDatabase.CreateAsync(store);
        await using var running = await StartAsync(database.Storage);
        Assert.Equal(own, running.System.Settings.Config.GetBoolean(UnrecordedEventsReader.OwnJournalSetting, false));
    }

    /// <summary>An actor system with ActorNet's serialization and the real journal on <paramref name="storage"/>.</summary>
    internal static async Task<RunningSystem> StartAsync(StorageSettings storage)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("actornet-test", akka => akka.WithActorNetSerialization().WithActorNetPersistence(storage));
        var host = builder.Build();
        await host.StartAsync();
        return new RunningSystem(host, host.Services.GetRequiredService<ActorSystem>());
    }

    internal sealed record RunningSystem(IHost Host, ActorSystem System) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Host.StopAsync();
            Host.Dispose();
        }
    }
}

/// <summary>A fresh, empty database for one test: a temp SQLite file, or a new database on the test PostgreSQL server.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly Func<Task> _drop;

    private TestDatabase(StorageSettings storage, Func<Task> drop)
    {
        Storage = storage;
        _drop = drop;
    }

    public StorageSettings Storage { get; }

    public static async Task<TestDatabase> CreateAsync(string store)
    {
        var name = "actornet_test_" + Guid.NewGuid().ToString("N")[..12];
        if (store == "sqlite")
        {
            var dir = Path.Combine(Path.GetTempPath(), name);
            var storage = StorageSettings.Parse(null, dir);
            await StoragePreparation.PrepareAsync(dir, storage);
            return new TestDatabase(storage, () =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                System.IO.Directory.Delete(dir, recursive: true);
                return Task.CompletedTask;
            });
        }

        var server = Environment.GetEnvironmentVariable("ACTORNET_TEST_POSTGRES")
            ?? throw new InvalidOperationException("ACTORNET_TEST_POSTGRES is not set: run the tests with .ci/run, which starts a PostgreSQL 15 server for them");
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var conn = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        return new TestDatabase(StorageSettings.Parse("postgres:" + conn, "."), async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        });
    }

    public ValueTask DisposeAsync() => new(_drop());
}
