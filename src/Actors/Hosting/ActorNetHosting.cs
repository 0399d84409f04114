using ActorNet.Actors.Audit;
using ActorNet.Actors.Bureaus;
using ActorNet.Actors.Cluster;
using ActorNet.Actors.Directory;
using ActorNet.Actors.Messaging;
using ActorNet.Actors.Messaging.Bulk;
using ActorNet.Actors.Notices;
using ActorNet.Actors.Serialization;
using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Sealing;
using Akka;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;

namespace ActorNet.Actors.Hosting;

/// <summary>Registry keys for the actors that hosts and HTTP handlers talk to.</summary>
public sealed class DirectoryKey;
public sealed class DirectoryReplicaKey;
public sealed class BureauKey;
public sealed class AuditKey;
public sealed class OutboxKey;
public sealed class InboxKey;
public sealed class EnrolmentKey;
public sealed class SealerKey;
public sealed class NoticeCopiesKey;
public sealed class NoticeRegionKey;
public sealed class NoticeResumerKey;
public sealed class NoticeCatchUpKey;

/// <summary>The Akka.Hosting wiring every ActorNet process shares, one extension per concern.</summary>
public static class ActorNetHosting
{
    public const string SystemName = "actornet";

    /// <summary>How long a stopping node waits for its last audit entries to be written (the phase's own bound is 5 s).</summary>
    private static readonly TimeSpan AuditFlushBound = TimeSpan.FromSeconds(4);

    /// <summary>The address scheme of Akka.Remote: TLS changes it, and a seed written with the other one is unreachable.</summary>
    public static string AddressScheme(bool tls) => tls ? "akka.ssl.tcp" : "akka.tcp";

    /// <summary>
    /// Remoting (over mutually authenticated TLS pinned to the network CA, unless <paramref name="tls"/> is null for
    /// --insecure), clustering with keep-majority Split Brain Resolver, Serilog, and the wire serializer.
    /// </summary>
    public static AkkaConfigurationBuilder WithActorNetCluster(
        this AkkaConfigurationBuilder builder, RemoteEndpoint remote, IReadOnlyList<string> seeds, IReadOnlyList<string> roles, string appVersion,
        NetworkTls? tls, TimeSpan? heartbeatPause = null)
    {
        AppConfigFile.Ignore();
        // DotNetty's leak detector records the stack of one network buffer in 128 to report buffers never released; Akka.Remote
        // releases its own, and each record cost a stack walk on the message path (docs/benchmarks.md, session 17).
        DotNetty.Common.ResourceLeakDetector.Level = DotNetty.Common.ResourceLeakDetector.DetectionLevel.Disabled;
        var remoteOptions = new RemoteOptions
        {
            HostName = remote.Host,
            Port = remote.Port,
            PublicHostName = remote.PublicHost,
        };
        if (tls is not null)
        {
            remoteOptions.EnableSsl = true;
            remoteOptions.Ssl = new SslOptions
            {
                X509Certificate = tls.Certificate,
                SuppressValidation = false,
                // Both ends present a certificate, so an inbound connection is checked as strictly as an outbound one.
                RequireMutualAuthentication = true,
                // Peers are reached by IP or container name; the CA-issued certificate, not the host name, says who they are.
                ValidateCertificateHostname = false,
                CustomValidator = tls.Validator,
            };
        }
        var scheme = AddressScheme(tls is not null);
        builder
            .AddHocon(EmbeddedConfig.Load(), HoconAddMode.Prepend)
            .AddHocon($"akka.cluster.failure-detector.acceptable-heartbeat-pause = {(int)(heartbeatPause ?? NodeOptions.DefaultHeartbeatPause).TotalMilliseconds}ms",
                HoconAddMode.Prepend)
            .ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = LogLevel.InfoLevel;
                loggers.ClearLoggers();
                loggers.AddLogger<SerilogLogger>();
            })
            .WithRemoting(remoteOptions)
            .WithClustering(new ClusterOptions
            {
                Roles = roles.ToArray(),
                SeedNodes = seeds.Select(s => $"{scheme}://{SystemName}@{s}").ToArray(),
                SplitBrainResolver = new KeepMajorityOption(),
                AppVersion = appVersion,
            })
            .WithActorNetSerialization();
        return builder;
    }

    /// <summary>
    /// The bulk channel for envelopes (<see cref="BulkChannel"/>), over the same TLS as Akka.Remote; nothing when
    /// <paramref name="endpoint"/> is null (<c>--bulk-listen off</c>), and every Deliver then goes over Akka.Remote.
    /// </summary>
    public static AkkaConfigurationBuilder WithBulkChannel(this AkkaConfigurationBuilder builder, BulkEndpoint? endpoint, NetworkTls? tls) =>
        endpoint is null ? builder : builder.WithActors((system, _) => BulkChannel.Start(system, endpoint, tls));

    /// <summary>Every IActorNetMessage, sent or persisted, goes through ActorNet's versioned wire format.</summary>
    public static AkkaConfigurationBuilder WithActorNetSerialization(this AkkaConfigurationBuilder builder) =>
        builder.WithCustomSerializer("actornet", [typeof(IActorNetMessage)], system => new ActorNetSerializer(system));

    /// <summary>Akka.Persistence.Sql journal and snapshot store on SQLite or PostgreSQL; tables are created on first start.</summary>
    public static AkkaConfigurationBuilder WithActorNetPersistence(this AkkaConfigurationBuilder builder, StorageSettings storage)
    {
        // SQLite has one writer at a time: the journal's writes go through one writer of ActorNet's on a thread of its own
        // (SqliteWriteJournal, configured below), which commits whatever queued up behind a commit as one transaction.
        // Microsoft.Data.Sqlite blocks its thread for a whole statement, and the plugin reads (replays, queries) from its
        // stream's stages: on the default dispatcher that was one of the thread pool's threads, two on two cores, and the
        // actors (inboxes opening envelopes, the bulk channel) waited for it (docs/benchmarks.md, session 22). The journal's
        // streams get two threads of their own, which park when idle rather than spin as Akka's ForkJoinDispatcher threads do
        // (ParkingThreadsExecutor). Parallelism 1 for the plugin's own write queue, should anything still write through it.
        // A SQLite file is this node's alone, so the Secretariat's outbox and inbox catch up the audit log too.
        if (storage.Kind == StorageKind.Sqlite)
        {
            builder.AddHocon($$"""
                akka.persistence.journal.sql.parallelism = 1
                akka.persistence.journal.sql.materializer-dispatcher = "{{SqliteJournalDispatcher}}"
                {{SqliteJournalDispatcher}} {
                  type = Dispatcher
                  executor = "{{typeof(ParkingThreadsExecutorConfigurator).AssemblyQualifiedName}}"
                  throughput = 100
                  parking-threads.thread-count = 2
                }
                {{UnrecordedEventsReader.OwnJournalSetting}} = on
                """, HoconAddMode.Prepend);
            SqliteJournalProvider.Register();
            // Checkpoints on a thread of their own, not inside the journal's commits (SqliteCheckpointer).
            builder.WithActors((system, _) =>
            {
                var log = Akka.Event.Logging.GetLogger(system, typeof(SqliteCheckpointer));
                var checkpointer = new SqliteCheckpointer([storage.SqlitePath!, storage.SnapshotPath!], SqliteCheckpointer.DefaultInterval,
                    (path, e) => log.Warning("SQLite checkpoint of {Path} failed, tried again in {Interval}: {Reason}", path, SqliteCheckpointer.DefaultInterval, e.Message));
                system.RegisterOnTermination(checkpointer.Dispose);
            });
        }
        builder.WithSqlPersistence(connectionString: storage.ConnectionString, providerName: storage.ProviderName, autoInitialize: true);
        // Each write's connection is made from the plugin's options, in which linq2db keeps the provider and the mapping schema
        // it combined the first time. A cloned connection combines the plugin's schema with the provider's anew, with empty
        // caches: ~2 KB and a few microseconds a write (docs/benchmarks.md, session 17). The database's own pool serves both.
        // A write of several rows binds their values as parameters: by default the plugin spells them into the INSERT's text,
        // every envelope's bytes in hex (~3 KB of SQL a row) for the database to parse back (docs/benchmarks.md, session 24).
        // This and the next after WithSqlPersistence, whose own settings would otherwise win.
        builder.AddHocon("""
            akka.persistence.journal.sql.prefer-parameters-on-multirow-insert = true
            akka.persistence.journal.sql.use-clone-connection = false
            akka.persistence.query.journal.sql.use-clone-connection = false
            akka.persistence.snapshot-store.sql.use-clone-connection = false
            """, HoconAddMode.Prepend);
        // On SQLite the journal's writes go through ActorNet's writer (SqliteWriteJournal, SqliteJournalWriter), the rest through
        // the plugin: its write path cost ~0.2 ms of CPU per commit, a third of a node's CPU at 1,000 single sends a second.
        if (storage.Kind == StorageKind.Sqlite)
            builder.AddHocon($"akka.persistence.journal.sql.class = {HoconString(typeof(SqliteWriteJournal).AssemblyQualifiedName!)}", HoconAddMode.Prepend);
        // Snapshots in a file of their own on SQLite (StorageSettings.SnapshotConnectionString): a large one no longer holds the
        // journal's writes.
        if (storage.SnapshotConnectionString != storage.ConnectionString)
            builder.AddHocon($"akka.persistence.snapshot-store.sql.connection-string = {HoconString(storage.SnapshotConnectionString)}", HoconAddMode.Prepend);
        return builder;
    }

    /// <summary>The dispatcher, with threads of its own, on which the SQLite journal writes.</summary>
    public const string SqliteJournalDispatcher = "actornet.sqlite-journal-dispatcher";

    private static string HoconString(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>
    /// The node's hash-chained audit log, first of all: the actors after it write to it. Records the start, and the
    /// bureau's keys when this start made them.
    /// </summary>
    /// <param name="linger">How long entries wait to be written together (<see cref="AuditActor.DefaultLinger"/>, and
    /// <see cref="AuditActor.DefaultSourcedLinger"/> for those a restart records again); given, every entry waits that long.</param>
    public static AkkaConfigurationBuilder WithAuditLog(this AkkaConfigurationBuilder builder, BureauCode bureau, string nodeId, string appVersion, BureauCrypto crypto,
        TimeSpan? linger = null) =>
        builder.WithActors((system, registry) =>
        {
            // Entries with a source wait longer only where a restart would record them again (not on a GS node sharing its journal).
            var props = linger is { } given ? AuditActor.Props(nodeId, given)
                : AuditActor.Props(nodeId, AuditActor.DefaultLinger,
                    UnrecordedEventsReader.CatchesUp(system, bureau) ? AuditActor.DefaultSourcedLinger : AuditActor.DefaultLinger);
            var audit = system.ActorOf(Restarting.Props(props, "audit"), "audit");
            registry.Register<AuditKey>(audit);
            // Entries are written a few milliseconds after they are made: the last ones, the singletons' hand-over included, before the journal stops.
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "write-audit-log", async () =>
            {
                await audit.Ask<AuditCommands.Flushed>(AuditCommands.Flush.Instance, AuditFlushBound);
                return Done.Instance;
            });
            audit.Tell(new AuditCommands.Record(AuditKinds.NodeStarted, null, null, $"node {nodeId} of {bureau} version {appVersion}"));
            RecordKeys(system, audit, crypto);
        });

    /// <summary>The keys' entry, when this start owes one (<see cref="KeyAudit"/>).</summary>
    private static void RecordKeys(ActorSystem system, IActorRef audit, BureauCrypto crypto) =>
        KeyAudit.InBackground(KeyAudit.RecordAtStartAsync(audit, crypto, KeyAudit.ConfirmBound), crypto, crypto.Keys.Version, system.Log);

    /// <summary>
    /// What every bureau node runs (GS nodes included), after <see cref="WithAuditLog"/>: its bureau actor, outbox and inbox
    /// as singletons on its own role, its persisted copy of the directory (trusting only what <paramref name="trust"/> lets through),
    /// and the actor that enrols its keys.
    /// </summary>
    public static AkkaConfigurationBuilder WithBureauActors(
        this AkkaConfigurationBuilder builder, BureauCode bureau, string nodeId, string appVersion, BureauCrypto crypto, DirectoryTrust trust)
    {
        var bureauRole = new ClusterSingletonOptions { Role = bureau.Role };
        builder.WithSingleton<BureauKey>("bureau", Restarting.Props(BureauActor.Props(bureau), "bureau"), bureauRole, createProxyToo: true);
        builder.WithSingleton<OutboxKey>(OutboxActor.Name, (_, registry, _) => Restarting.Props(OutboxActor.Props(bureau, registry.Get<AuditKey>()), OutboxActor.Name), bureauRole, createProxyToo: true);
        builder.WithSingleton<NoticeCopiesKey>(NoticeCopiesActor.Name,
            Restarting.Props(NoticeCopiesActor.Props(bureau, () => crypto.Opener), NoticeCopiesActor.Name), bureauRole, createProxyToo: true);
        // Notice envelopes go, once in the inbox, to this bureau's copies; on a GS node to the Secretariat's Notice actors.
        builder.WithSingleton<InboxKey>(InboxActor.Name,
            (_, registry, _) => Restarting.Props(InboxActor.Props(bureau, crypto.Gate, registry.Get<AuditKey>(),
                notices: bureau.IsSecretariat ? registry.Get<NoticeRegionKey>() : registry.Get<NoticeCopiesKey>()), InboxActor.Name), bureauRole, createProxyToo: true);
        if (!bureau.IsSecretariat)
            builder.WithSingletonProxy<DirectoryKey>("directory", new ClusterSingletonOptions { Role = "secretariat" });

        return builder.WithActors((system, registry) =>
        {
            var directory = registry.Get<DirectoryKey>();
            var audit = registry.Get<AuditKey>();
            var replica = system.ActorOf(Restarting.Props(DirectoryReplicaActor.Props(nodeId, directory, crypto.Directory, trust, audit, bureau), DirectoryActor.ReplicaName), DirectoryActor.ReplicaName);
            registry.Register<DirectoryReplicaKey>(replica);
            registry.Register<SealerKey>(system.ActorOf(SealerActor.Props(crypto), "sealer"));
            registry.Register<EnrolmentKey>(system.ActorOf(
                EnrolmentActor.Props(bureau, nodeId, appVersion, registry.Get<BureauKey>(), directory, crypto, audit), "enrolment"));
            if (!bureau.IsSecretariat)
                WatchSecretariat(system);
        });
    }

    /// <summary>
    /// Several bureaus on one cluster member, each with the actors a bureau node runs for it (bureau actor, outbox, inbox,
    /// notice copies, enrolment), sharing the member's audit log and one persisted copy of the directory, whose keys go to
    /// <paramref name="bureaus"/>' shared <see cref="PublicKeyDirectory"/>. Doors stand where a bureau node's inbox and
    /// outbox singletons stand and pass each delivery to the bureau it names, so every other node reaches these bureaus as
    /// it reaches any bureau node. The member's roles must include each bureau's role. For simulating many bureaus on few
    /// machines: the bureaus trust one another's host with their keys. After <see cref="WithAuditLog"/> (made for the
    /// first bureau; the key creation of the others is recorded here).
    /// </summary>
    public static AkkaConfigurationBuilder WithHostedBureaus(
        this AkkaConfigurationBuilder builder, IReadOnlyList<BureauCrypto> bureaus, string nodeId, string appVersion, DirectoryTrust trust)
    {
        if (bureaus.Count == 0 || bureaus.Any(b => b.Bureau.IsSecretariat) || bureaus.Any(b => !ReferenceEquals(b.Directory, bureaus[0].Directory)))
            throw new ArgumentException("hosted bureaus are national bureaus, at least one, sharing one PublicKeyDirectory", nameof(bureaus));
        builder.WithSingletonProxy<DirectoryKey>("directory", new ClusterSingletonOptions { Role = "secretariat" });
        return builder.WithActors((system, registry) =>
        {
            var directory = registry.Get<DirectoryKey>();
            var audit = registry.Get<AuditKey>();
            system.ActorOf(Restarting.Props(DirectoryReplicaActor.Props(nodeId, directory, bureaus[0].Directory, trust, audit), DirectoryActor.ReplicaName),
                DirectoryActor.ReplicaName);
            var inboxes = new Dictionary<BureauCode, IActorRef>();
            var outboxes = new Dictionary<BureauCode, IActorRef>();
            foreach (var crypto in bureaus)
            {
                var bureau = crypto.Bureau;
                if (!ReferenceEquals(crypto, bureaus[0]))
                    RecordKeys(system, audit, crypto);
                var bureauActor = system.ActorOf(Restarting.Props(BureauActor.Props(bureau), "bureau"), HostedName("bureau", bureau));
                outboxes[bureau] = system.ActorOf(Restarting.Props(OutboxActor.Props(bureau, audit), "outbox"), HostedName(OutboxActor.Name, bureau));
                var copies = system.ActorOf(Restarting.Props(NoticeCopiesActor.Props(bureau, () => crypto.Opener), NoticeCopiesActor.Name),
                    HostedName(NoticeCopiesActor.Name, bureau));
                inboxes[bureau] = system.ActorOf(Restarting.Props(InboxActor.Props(bureau, crypto.Gate, audit, notices: copies, recentBytes: InboxState.HostedRecentBytes), InboxActor.Name),
                    HostedName(InboxActor.Name, bureau));
                system.ActorOf(EnrolmentActor.Props(bureau, nodeId, appVersion, bureauActor, directory, crypto, audit), HostedName("enrolment", bureau));
            }
            system.ActorOf(BureauDoorActor.Props(InboxActor.Name, inboxes), InboxActor.Name);
            system.ActorOf(BureauDoorActor.Props(OutboxActor.Name, outboxes), OutboxActor.Name);
            WatchSecretariat(system);
        });
    }

    /// <summary>How long a bureau node waits, once Up, for a GS member before it warns that the directory is out of reach.</summary>
    public static readonly TimeSpan SecretariatPatience = TimeSpan.FromSeconds(30);

    // A bureau node's one singleton on another role: the directory, on GS nodes.
    private static void WatchSecretariat(ActorSystem system) =>
        system.ActorOf(SingletonRoleWatchActor.Props([("directory", "secretariat")], SecretariatPatience), "singleton-role-watch");

    /// <summary>Where a hosted bureau's actor is on its member: <c>/user/inbox-XX</c> for <c>inbox</c> and so on.</summary>
    public static string HostedName(string actor, BureauCode bureau) => actor + "-" + bureau.Value;

    /// <summary>
    /// The Secretariat's own actors, as singletons on the <c>secretariat</c> role so several GS nodes act as one; after
    /// <see cref="WithAuditLog"/>. The directory signs with <paramref name="signer"/> (this GS node's certificate) and,
    /// with <paramref name="autoEnrol"/>, approves new bureaus without an operator.
    /// </summary>
    public static AkkaConfigurationBuilder WithSecretariatActors(this AkkaConfigurationBuilder builder, DirectorySigner signer, bool autoEnrol) =>
        builder.WithSingleton<DirectoryKey>("directory", (_, registry, _) => Restarting.Props(DirectoryActor.Props(signer, autoEnrol, registry.Get<AuditKey>()), "directory"),
            new ClusterSingletonOptions { Role = "secretariat" }, createProxyToo: true);

    /// <summary>
    /// The Secretariat's Notice actors: one sharded entity per notice on the <c>secretariat</c> role, passivated when idle, opening
    /// and sealing with this GS node's keys; before <see cref="WithBureauActors"/>, whose inbox hands them what bureaus send.
    /// </summary>
    public static AkkaConfigurationBuilder WithNoticeActors(this AkkaConfigurationBuilder builder, BureauCrypto crypto) => builder
        .WithShardRegion<NoticeRegionKey>(NoticeActor.RegionName,
            (_, registry, _) => id => NoticeActor.Props(new NoticeId(id), crypto, registry.Get<OutboxKey>, registry.Get<NoticeCopiesKey>, registry.Get<AuditKey>()),
            new NoticeMessageExtractor(),
            new ShardOptions
            {
                Role = "secretariat",
                RememberEntities = false,
                StateStoreMode = Akka.Cluster.Sharding.StateStoreMode.DData,
                PassivateIdleEntityAfter = TimeSpan.FromMinutes(2),
            })
        .WithSingleton<NoticeResumerKey>("notice-resumer", (_, registry, _) => NoticeResumerActor.Props(registry.Get<NoticeRegionKey>()),
            new ClusterSingletonOptions { Role = "secretariat" })
        .WithSingleton<NoticeCatchUpKey>(NoticeCatchUpActor.Name,
            (_, registry, _) => Restarting.Props(NoticeCatchUpActor.Props(crypto.Directory, registry.Get<NoticeRegionKey>()), NoticeCatchUpActor.Name),
            new ClusterSingletonOptions { Role = "secretariat" });
}

/// <summary>The Akka settings in <c>config/actornet.hocon</c>, built into the assembly so every host has them.</summary>
public static class EmbeddedConfig
{
    public static Config Load()
    {
        using var stream = typeof(EmbeddedConfig).Assembly.GetManifestResourceStream("ActorNet.Actors.actornet.hocon")
            ?? throw new InvalidOperationException("actornet.hocon is not embedded in ActorNet.Actors");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
