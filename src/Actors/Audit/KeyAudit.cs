using ActorNet.Actors.Messaging;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Actors.Audit;

/// <summary>
/// Keeps the audit log's entries for a node's keys complete. Entries are written a few milliseconds after they are made, so a
/// node killed right after making or rotating its keys would have them on disk with no entry. The keys directory therefore
/// holds <see cref="MarkerFile"/>: the key version whose entry the log has confirmed writing. A node that finds newer keys
/// than that when it starts records them then (<see cref="AtStart"/>).
/// </summary>
public static class KeyAudit
{
    public const string MarkerFile = "audited-version";

    /// <summary>
    /// How long a mark waits for the log to confirm: a starting node's first write waits for its journal, seconds when several
    /// nodes start on few cores (4 s was not enough at the local network).
    /// </summary>
    public static readonly TimeSpan ConfirmBound = TimeSpan.FromMinutes(1);

    /// <summary>The key version whose entry the audit log confirmed writing; null when none was ever confirmed (or the marker is unreadable).</summary>
    public static int? AuditedVersion(string keysDirectory)
    {
        var path = Path.Combine(keysDirectory, MarkerFile);
        try
        {
            // An unreadable marker only means the next start records the keys in use once more.
            return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out var version) && version >= 1 ? version : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Notes that the log has written the entry for <paramref name="version"/>; never moves the marker back.</summary>
    public static void MarkAudited(string keysDirectory, int version)
    {
        if (AuditedVersion(keysDirectory) >= version)
            return;
        KeyStore.WritePrivateFile(Path.Combine(keysDirectory, MarkerFile), version.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The entry a start owes the log for the node's keys: their making on a first start; on a later one, keys newer than the
    /// last confirmed entry (a rotation, or a first start, whose entry the node stopped before writing); else none.
    /// </summary>
    public static AuditCommands.Record? AtStart(BureauCrypto crypto)
    {
        var (version, fingerprint) = (crypto.Keys.Version, crypto.PublicKeys.Fingerprint);
        if (crypto.Created)
            return new(AuditKinds.KeyCreated, null, crypto.Bureau.Value, $"key version {version} made on first start ({fingerprint})");
        return AuditedVersion(crypto.KeysDirectory) switch
        {
            { } audited when audited >= version => null,
            { } audited => new(AuditKinds.KeyRotated, null, crypto.Bureau.Value,
                $"key version {version} ({fingerprint}) in use, after version {audited}" + UnrecordedEventsReader.AfterRestart),
            null => new(AuditKinds.KeyInUse, null, crypto.Bureau.Value,
                $"key version {version} ({fingerprint}) in use at start, with no entry for it confirmed on this node " +
                "(kept by earlier versions of ActorNet, or the node stopped before writing it)"),
        };
    }

    /// <summary>
    /// Records what <see cref="AtStart"/> owes the log, and marks the version once the log has written it; a failed write
    /// leaves the marker as it was, so the next start records the keys again.
    /// </summary>
    public static async Task RecordAtStartAsync(IActorRef audit, BureauCrypto crypto, TimeSpan bound)
    {
        var version = crypto.Keys.Version;
        if (AtStart(crypto) is not { } entry)
            return;
        audit.Tell(entry);
        await WrittenThenMarkAsync(audit, crypto.KeysDirectory, version, bound);
    }

    /// <summary>Marks <paramref name="version"/> once the log has written what it was told before this call.</summary>
    public static async Task WrittenThenMarkAsync(IActorRef audit, string keysDirectory, int version, TimeSpan bound)
    {
        await audit.Ask<AuditCommands.Flushed>(AuditCommands.Flush.Instance, bound);
        MarkAudited(keysDirectory, version);
    }

    /// <summary>Lets a mark run beside the node; says in its log when the log did not confirm, as the next start then records the keys again.</summary>
    public static void InBackground(Task marking, BureauCrypto crypto, int version, ILoggingAdapter log) =>
        marking.ContinueWith(t => log.Warning(
            "The audit log did not confirm writing the entry for {0}'s key version {1} ({2}): the next start records it again",
            crypto.Bureau, version, t.Exception?.GetBaseException().Message), TaskContinuationOptions.OnlyOnFaulted);
}
