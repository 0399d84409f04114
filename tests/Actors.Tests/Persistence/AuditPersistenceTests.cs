using ActorNet.Actors.Audit;
using ActorNet.Actors.Hosting;
using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Serialization;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace ActorNet.Actors.Tests.Persistence;

/// <summary>The audit log on the real journal: verification reads the database, so an edited row is found and named.</summary>
public sealed class AuditPersistenceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Editing_an_entry_in_the_database_makes_verify_fail_and_name_it(bool batchEntry)
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var host = await StartedHostAsync(database);
        var audit = host.Services.GetRequiredService<ActorSystem>().ActorOf(AuditActor.Props("n1"));

        for (var i = 0; i < 5; i++)
            audit.Tell(batchEntry && i == 2
                ? new AuditCommands.Record(AuditKinds.MessageSent, null, "US", "3 messages", ["m2", "m2b", "m2c"])
                : new AuditCommands.Record(AuditKinds.MessageSent, $"m{i}", "US", $"message {i}"), ActorRefs.NoSender); // no implicit sender (see MessagingJournalTests)
        var before = await audit.Ask<AuditQueries.Verification>(new AuditQueries.Verify(), Timeout);
        Assert.True(before.Intact, before.Problem);
        Assert.Equal(5, before.EntriesChecked);

        // An insider rewrites entry 3 in place, keeping it a well-formed entry.
        await using (var connection = new SqliteConnection(database.Storage.ConnectionString + ";Pooling=False"))
        {
            await connection.OpenAsync();
            var select = connection.CreateCommand();
            select.CommandText = "SELECT message, manifest FROM journal WHERE persistence_id = 'audit-n1' AND sequence_number = 3";
            await using var reader = await select.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            var entry = (AuditEntry)WireFormat.Decode((byte[])reader["message"], (string)reader["manifest"]);
            Assert.Equal(batchEntry ? "a.entry-batch" : "a.entry", (string)reader["manifest"]);
            // A batch entry loses one of the messages it named; a single one its detail.
            var edited = WireFormat.Encode(batchEntry ? entry with { MessageIds = ["m2", "m2c"] } : entry with { Detail = "nothing happened" });
            await reader.DisposeAsync();
            var update = connection.CreateCommand();
            update.CommandText = "UPDATE journal SET message = $m WHERE persistence_id = 'audit-n1' AND sequence_number = 3";
            update.Parameters.AddWithValue("$m", edited);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var after = await audit.Ask<AuditQueries.Verification>(new AuditQueries.Verify(), Timeout);
        Assert.False(after.Intact);
        Assert.Equal(3, after.FirstBadSequence);
        await host.StopAsync();
    }

    [Fact]
    public async Task Entries_wait_for_the_linger_or_a_flush_and_a_full_write_goes_at_once()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var host = await StartedHostAsync(database);
        var system = host.Services.GetRequiredService<ActorSystem>();

        // A linger longer than the test: only a flush, or a full write, puts these entries in the database.
        var held = system.ActorOf(AuditActor.Props("held", TimeSpan.FromHours(1)));
        RecordSent(held, "m", 0, 3);
        var entries = await held.Ask<AuditQueries.Entries>(new AuditQueries.GetEntries(0, 10), Timeout);
        Assert.Equal(3, entries.Items.Count); // chained and listed at once
        Assert.Equal(0, await RowsAsync(database, "audit-held"));
        var flushed = await held.Ask<AuditCommands.Flushed>(AuditCommands.Flush.Instance, Timeout);
        Assert.Equal(3, flushed.UpToSequence);
        Assert.Equal(3, await RowsAsync(database, "audit-held"));

        RecordSent(held, "n", 0, AuditActor.MaxWrite);
        await WaitForRowsAsync(database, "audit-held", 3 + AuditActor.MaxWrite);

        // A short linger writes on its own.
        var lingering = system.ActorOf(AuditActor.Props("lingering", TimeSpan.FromMilliseconds(20)));
        RecordSent(lingering, "m", 0, 3);
        await WaitForRowsAsync(database, "audit-lingering", 3);
        var verified = await lingering.Ask<AuditQueries.Verification>(new AuditQueries.Verify(), Timeout);
        Assert.True(verified.Intact, verified.Problem);
        Assert.Equal(3, verified.EntriesChecked);
        await host.StopAsync();
    }

    [Fact]
    public async Task Entries_a_restart_records_again_wait_longer_and_any_other_entry_brings_their_write_forward()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var host = await StartedHostAsync(database);
        var system = host.Services.GetRequiredService<ActorSystem>();
        var audit = system.ActorOf(AuditActor.Props("sourced", TimeSpan.FromMilliseconds(20), sourcedLinger: TimeSpan.FromHours(1)));
        var clock = system.ActorOf(AuditActor.Props("clock", TimeSpan.FromMilliseconds(20)));

        audit.Tell(SentFromOutbox("m1", 1), ActorRefs.NoSender);
        audit.Tell(SentFromOutbox("m2", 2), ActorRefs.NoSender);
        Assert.Equal(2, (await audit.Ask<AuditQueries.Entries>(new AuditQueries.GetEntries(0, 10), Timeout)).Items.Count); // recovered: the journal's tables are made
        // Another log with the short linger has written: the sourced entries have waited past it, and are still unwritten.
        RecordSent(clock, "c", 0, 1);
        await WaitForRowsAsync(database, "audit-clock", 1);
        Assert.Equal(0, await RowsAsync(database, "audit-sourced"));

        // An entry no restart would record again goes within the short linger, and those waiting with it.
        RecordSent(audit, "k", 0, 1);
        await WaitForRowsAsync(database, "audit-sourced", 3);
        await host.StopAsync();
    }

    private static AuditCommands.Record SentFromOutbox(string id, long sequenceNr) =>
        new(AuditKinds.MessageSent, id, "US", "queued for US", Source: AuditSource.Of("outbox-FR", sequenceNr));

    [Fact]
    public async Task Pages_older_than_memory_holds_are_read_from_the_database_and_join_the_recent_ones()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var host = await StartedHostAsync(database);
        var audit = host.Services.GetRequiredService<ActorSystem>().ActorOf(AuditActor.Props("paged"));
        var total = 2 * AuditActor.KeptInMemory + 10;
        RecordSent(audit, "m", 1, total);
        Assert.Equal(total, (await audit.Ask<AuditCommands.Flushed>(AuditCommands.Flush.Instance, Timeout)).UpToSequence);

        async Task<long[]> Page(long after, int limit)
        {
            var page = await audit.Ask<AuditQueries.Entries>(new AuditQueries.GetEntries(after, limit), Timeout);
            Assert.All(page.Items, e => Assert.Equal($"m{e.Sequence}", e.MessageId));
            return page.Items.Select(e => e.Sequence).ToArray();
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), await Page(0, 10)); // the oldest, long gone from memory
        var firstInMemory = total - AuditActor.KeptInMemory - 9; // trimmed to the last KeptInMemory, then ten more
        Assert.Equal(Enumerable.Range(firstInMemory - 5, 10).Select(i => (long)i), await Page(firstInMemory - 6, 10)); // across the join
        Assert.Equal(new long[] { total - 1, total }, await Page(total - 2, 10)); // the newest
        Assert.Empty(await Page(total, 10));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_node_that_stops_writes_the_entries_still_waiting()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        var keys = Path.Combine(Path.GetTempPath(), "actornet_test_" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var crypto = BureauCrypto.LoadOrCreate(new BureauCode("FR"), keys);
            // A linger longer than the test: only a flush can write the entries. The start flushes those of keys it made
            // (KeyAudit), and marks them written; what comes after waits for the shutdown's.
            using var host = await StartedHostAsync(database, akka => akka.WithAuditLog(new BureauCode("FR"), "n1", "test", crypto, linger: TimeSpan.FromHours(1)));
            var audit = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<AuditKey>();
            var bound = DateTime.UtcNow + Timeout;
            while (KeyAudit.AuditedVersion(crypto.KeysDirectory) != 1 && DateTime.UtcNow < bound)
                await audit.Ask<AuditQueries.Entries>(new AuditQueries.GetEntries(0, 1), Timeout); // a round trip, not a sleep
            Assert.Equal(1, KeyAudit.AuditedVersion(crypto.KeysDirectory));
            Assert.Equal(2, await RowsAsync(database, "audit-n1"));
            RecordSent(audit, "m", 1, 1);
            var listed = await audit.Ask<AuditQueries.Entries>(new AuditQueries.GetEntries(0, 10), Timeout);
            Assert.Equal([AuditKinds.NodeStarted, AuditKinds.KeyCreated, AuditKinds.MessageSent], listed.Items.Select(e => e.Kind));
            Assert.Equal(2, await RowsAsync(database, "audit-n1"));

            await host.StopAsync();
            Assert.Equal(3, await RowsAsync(database, "audit-n1"));
        }
        finally
        {
            System.IO.Directory.Delete(keys, recursive: true);
        }
    }

    /// <summary>An actor system with the journal on <paramref name="database"/>, and <paramref name="more"/> of the node's wiring.</summary>
    private static async Task<IHost> StartedHostAsync(TestDatabase database, Func<AkkaConfigurationBuilder, AkkaConfigurationBuilder>? more = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("actornet-test", akka => (more ?? (b => b))(akka.WithActorNetSerialization().WithActorNetPersistence(database.Storage)));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary><paramref name="count"/> "sent" entries about messages <paramref name="prefix"/><paramref name="first"/>, and on.</summary>
    private static void RecordSent(IActorRef audit, string prefix, int first, int count)
    {
        for (var i = first; i < first + count; i++)
            audit.Tell(new AuditCommands.Record(AuditKinds.MessageSent, $"{prefix}{i}", "US", $"message {i}"), ActorRefs.NoSender); // no implicit sender
    }

    private static async Task WaitForRowsAsync(TestDatabase database, string persistenceId, long rows)
    {
        var deadline = DateTime.UtcNow + Timeout;
        long seen;
        while ((seen = await RowsAsync(database, persistenceId)) < rows && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Equal(rows, seen);
    }

    private static async Task<long> RowsAsync(TestDatabase database, string persistenceId)
    {
        await using var connection = new SqliteConnection(database.Storage.ConnectionString + ";Pooling=False");
        await connection.OpenAsync();
        var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id = $p";
        count.Parameters.AddWithValue("$p", persistenceId);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
