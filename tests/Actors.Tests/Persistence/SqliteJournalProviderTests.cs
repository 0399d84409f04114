using ActorNet.Actors.Hosting;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;
using LinqToDB.Metrics;
using Xunit;

namespace ActorNet.Actors.Tests.Persistence;

/// <summary>The journal's SQLite provider keeps an INSERT's SQL, and leaves every other statement as linq2db makes it.</summary>
public sealed class SqliteJournalProviderTests : IDisposable
{
    // Counted for this test's own calls only: other tests build SQL on other flows at the same time.
    private static readonly AsyncLocal<StrongBox> Counting = new();
    private sealed class StrongBox { public int Builds; }

    static SqliteJournalProviderTests() =>
        ActivityService.AddFactory(id =>
        {
            if (id == ActivityID.BuildSql && Counting.Value is { } box)
                Interlocked.Increment(ref box.Builds);
            return null;
        });

    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("actornet-l2db-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>A row shaped as the journal's: strings, bytes and nullable columns.</summary>
    private sealed class Row
    {
        public long Ordering { get; set; }
        public string PersistenceId { get; set; } = "";
        public long SequenceNumber { get; set; }
        public byte[] Message { get; set; } = [];
        public string? Tags { get; set; }
        public int? Identifier { get; set; }
    }

    private DataOptions Options(string providerName)
    {
        var schema = new MappingSchema("test-" + Guid.NewGuid().ToString("N"), MappingSchema.Default);
        new FluentMappingBuilder(schema).Entity<Row>().HasTableName("journal")
            .Member(r => r.Ordering).IsIdentity().IsPrimaryKey().HasDbType("INTEGER")
            .Member(r => r.PersistenceId).IsNullable(false)
            .Member(r => r.Message).IsNullable(false)
            .Build();
        return new DataOptions().UseConnectionString(providerName, $"Data Source={Path.Combine(_dir, providerName + ".db")}").UseMappingSchema(schema);
    }

    private static async Task<int> InsertSix(DataOptions options)
    {
        await using (var create = new DataConnection(options))
            await create.CreateTableAsync<Row>();
        var box = Counting.Value = new StrongBox();
        for (var i = 0; i < 6; i++)
        {
            await using var connection = new DataConnection(options);
            await connection.InsertAsync(new Row
            {
                PersistenceId = "p", SequenceNumber = i, Message = new byte[10 + i],
                Tags = i % 2 == 0 ? "t" + i : null, Identifier = i % 3 == 0 ? null : i,
            });
        }
        Counting.Value = null!;
        return box.Builds;
    }

    [Fact]
    public async Task An_insert_is_built_once_and_writes_every_value_as_given()
    {
        SqliteJournalProvider.Register();
        var options = Options(SqliteJournalProvider.ProviderName);

        var builds = await InsertSix(options);

        Assert.Equal(1, builds);
        await using var connection = new DataConnection(options);
        var rows = connection.GetTable<Row>().OrderBy(r => r.SequenceNumber).ToList();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)i), rows.Select(r => r.SequenceNumber));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => i % 2 == 0 ? "t" + i : null), rows.Select(r => r.Tags));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => i % 3 == 0 ? (int?)null : i), rows.Select(r => r.Identifier));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => 10 + i), rows.Select(r => r.Message.Length));
    }

    [Fact]
    public async Task Linq2db_alone_builds_the_same_insert_every_time()
    {
        // What the provider is for: if linq2db ever caches these itself, this fails and the provider can go.
        var builds = await InsertSix(Options(ProviderName.SQLiteMS));

        Assert.Equal(6, builds);
    }

    [Fact]
    public async Task A_query_on_a_nullable_parameter_still_depends_on_its_value()
    {
        SqliteJournalProvider.Register();
        var options = Options(SqliteJournalProvider.ProviderName);
        await InsertSix(options);
        await using var connection = new DataConnection(options);

        foreach (var tag in new[] { null, "t2", null, "t4", "none" })
        {
            var found = connection.GetTable<Row>().Where(r => r.Tags == tag).Select(r => r.SequenceNumber).ToList();
            long[] expected = tag switch { null => [1, 3, 5], "t2" => [2], "t4" => [4], _ => [] };
            Assert.Equal(expected, found.Order());
        }
    }
}
