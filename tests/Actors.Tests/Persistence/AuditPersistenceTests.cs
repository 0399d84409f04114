using ActorNet.Actors.Audit;
using ActorNet.Actors.Hosting;
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
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("actornet-test", akka => akka.WithActorNetSerialization().WithActorNetPersistence(database.Storage));
        using var host = builder.Build();
        await host.StartAsync();
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
}
