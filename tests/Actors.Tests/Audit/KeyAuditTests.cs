using ActorNet.Actors.Audit;
using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Audit;

/// <summary>
/// A node's keys have their entry in its audit log even when the node was killed between changing them and writing it:
/// the keys directory says which version's entry was confirmed, and a start records newer keys.
/// </summary>
public sealed class KeyAuditTests() : TestKit(LocalTestConfig.Config), IDisposable
{
    private static readonly BureauCode FR = new("FR");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly string _data = System.IO.Directory.CreateTempSubdirectory("actornet-keyaudit-").FullName;

    void IDisposable.Dispose()
    {
        Dispose();
        System.IO.Directory.Delete(_data, recursive: true);
    }

    private IActorRef AuditLog() => Sys.ActorOf(AuditActor.Props("node-fr", TimeSpan.FromMilliseconds(10)));

    private async Task<List<AuditEntry>> KeyEntriesAsync(IActorRef audit) =>
        (await audit.Ask<AuditQueries.Entries>(new AuditQueries.GetEntries(0, 1000), Bound)).Items
        .Where(e => e.Kind is AuditKinds.KeyCreated or AuditKinds.KeyRotated or AuditKinds.KeyInUse).ToList();

    [Fact]
    public async Task Keys_made_or_rotated_by_a_node_that_died_before_writing_their_entry_are_recorded_at_its_next_start_and_only_then()
    {
        var audit = AuditLog();
        var crypto = BureauCrypto.LoadOrCreate(FR, _data);
        await KeyAudit.RecordAtStartAsync(audit, crypto, Bound);
        var made = Assert.Single(await KeyEntriesAsync(audit));
        Assert.Equal((AuditKinds.KeyCreated, "FR"), (made.Kind, made.Peer));
        Assert.Equal(1, KeyAudit.AuditedVersion(crypto.KeysDirectory));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(crypto.KeysDirectory, KeyAudit.MarkerFile)));

        // The next start owes nothing.
        Assert.Null(KeyAudit.AtStart(BureauCrypto.LoadOrCreate(FR, _data)));

        // Rotated, and killed before the entry was written: the next start records version 2, naming the one before.
        BureauCrypto.LoadOrCreate(FR, _data).Rotate();
        var restarted = BureauCrypto.LoadOrCreate(FR, _data);
        await KeyAudit.RecordAtStartAsync(audit, restarted, Bound);
        var entries = await KeyEntriesAsync(audit);
        Assert.Equal(2, entries.Count);
        Assert.Equal(AuditKinds.KeyRotated, entries[1].Kind);
        Assert.Contains($"key version 2 ({restarted.PublicKeys.Fingerprint}) in use, after version 1", entries[1].Detail);
        Assert.EndsWith(UnrecordedEventsReader.AfterRestart, entries[1].Detail);
        Assert.Equal(2, KeyAudit.AuditedVersion(crypto.KeysDirectory));
        Assert.Null(KeyAudit.AtStart(BureauCrypto.LoadOrCreate(FR, _data)));
    }

    [Fact]
    public async Task Keys_with_no_confirmed_entry_are_recorded_as_in_use_and_the_mark_waits_for_the_log_to_write_it()
    {
        var crypto = BureauCrypto.LoadOrCreate(FR, _data);
        var again = BureauCrypto.LoadOrCreate(FR, _data); // keys from before, no marker: an older node's, or a first start cut short
        var entry = KeyAudit.AtStart(again);
        Assert.Equal(AuditKinds.KeyInUse, entry?.Kind);
        Assert.Contains($"key version 1 ({crypto.PublicKeys.Fingerprint}) in use at start", entry!.Detail);

        // A log that never confirms the write: no mark, so the next start records the keys again.
        var silent = CreateTestProbe();
        await Assert.ThrowsAnyAsync<Exception>(() => KeyAudit.RecordAtStartAsync(silent, again, TimeSpan.FromMilliseconds(300)));
        Assert.Equal(AuditKinds.KeyInUse, (await silent.FishForMessageAsync<AuditCommands.Record>(_ => true, Bound)).Kind);
        Assert.Null(KeyAudit.AuditedVersion(again.KeysDirectory));
        Assert.NotNull(KeyAudit.AtStart(BureauCrypto.LoadOrCreate(FR, _data)));

        // An unreadable marker counts as none; a mark never moves back.
        File.WriteAllText(Path.Combine(again.KeysDirectory, KeyAudit.MarkerFile), "garbage");
        Assert.Null(KeyAudit.AuditedVersion(again.KeysDirectory));
        KeyAudit.MarkAudited(again.KeysDirectory, 3);
        KeyAudit.MarkAudited(again.KeysDirectory, 2);
        Assert.Equal(3, KeyAudit.AuditedVersion(again.KeysDirectory));
    }
}
