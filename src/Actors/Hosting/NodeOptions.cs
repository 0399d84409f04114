using ActorNet.Actors.Messaging.Bulk;
using ActorNet.Protocol;
using ActorNet.Protocol.Pki;

namespace ActorNet.Actors.Hosting;

public enum LogFormat { Console, Json }

/// <summary>Where the Akka.Remote endpoint listens and how others reach it.</summary>
public sealed record RemoteEndpoint(string Host, int Port, string PublicHost);

/// <summary>Everything a node (a bureau's or the Secretariat's) is started with. See the interface contract §1.</summary>
public sealed record NodeOptions(
    BureauCode Bureau,
    RemoteEndpoint Remote,
    IReadOnlyList<string> Seeds,
    string HttpHost,
    int HttpPort,
    string DataDirectory,
    StorageSettings Storage,
    string? TlsCertificate,
    string? TlsPassword,
    string? CaCertificate,
    bool Insecure,
    bool AutoEnrol,
    LogFormat LogFormat,
    TimeSpan HeartbeatPause,
    BulkEndpoint? Bulk)
{
    /// <summary>Akka's acceptable heartbeat pause: tight enough for SBR to act within seconds on one site.</summary>
    public static readonly TimeSpan DefaultHeartbeatPause = TimeSpan.FromSeconds(3);

    /// <summary>The flag itself, one definition for the Node and the Lighthouse, which must agree on it.</summary>
    public static readonly OptionSpec HeartbeatPauseSpec = new("--heartbeat-pause", "ACTORNET_HEARTBEAT_PAUSE",
        "how long a peer may go unheard before it is marked unreachable (default 3s; more for links across continents)");

    /// <exception cref="OptionsException">Not a duration, or outside 1 s to 2 min.</exception>
    public static TimeSpan ParseHeartbeatPause(string? value) => value is null ? DefaultHeartbeatPause
        : OptionParser.ParseDuration("--heartbeat-pause", value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));

    public static IReadOnlyList<OptionSpec> Specs { get; } =
    [
        new("--bureau", "ACTORNET_BUREAU", "GS or an ISO 3166-1 alpha-2 code (required)"),
        new("--listen", "ACTORNET_LISTEN", "Akka.Remote endpoint HOST:PORT (default 127.0.0.1:0)"),
        new("--public-host", "ACTORNET_PUBLIC_HOST", "host name others reach this node by (default: the listen host)"),
        new("--seed", "ACTORNET_SEEDS", "seed node HOST:PORT, repeatable (default 127.0.0.1:4053)", Repeatable: true),
        new("--http", "ACTORNET_HTTP", "HTTP API HOST:PORT (default 127.0.0.1:5080)"),
        new("--data", "ACTORNET_DATA", "data directory (default ./var/<bureau>)"),
        new("--database", "ACTORNET_DATABASE", "sqlite:PATH or postgres:<Npgsql connection string> (default sqlite:<data>/actornet.db; on SQLite the snapshots go beside it, in actornet-snapshots.db)"),
        new("--tls-cert", "ACTORNET_TLS_CERT", "this node's certificate and key (PKCS#12)"),
        new("--tls-password", "ACTORNET_TLS_PASSWORD", "password of --tls-cert"),
        new("--ca", "ACTORNET_CA", "the network CA's certificate (PEM)"),
        new("--insecure", "ACTORNET_INSECURE", "plain TCP between nodes (development only)", TakesValue: false),
        new("--auto-enrol", "ACTORNET_AUTO_ENROL", "GS only: accept new bureaus without approval (development only)", TakesValue: false),
        new("--bulk-listen", "ACTORNET_BULK_LISTEN", "HOST:PORT where other nodes' outboxes send envelopes straight to this node, beside Akka.Remote (default: the --listen host, any free port; off: everything over Akka.Remote)"),
        new("--log-format", "ACTORNET_LOG_FORMAT", "console (default) or json"),
        HeartbeatPauseSpec,
        new("--help", null, "show this help", TakesValue: false),
    ];

    /// <exception cref="OptionsException">A flag or variable is wrong; the message says which and what to write.</exception>
    public static NodeOptions Parse(IReadOnlyList<string> args, Func<string, string?> env)
    {
        var v = OptionParser.Parse(args, Specs, env);
        string? One(string flag) => v.TryGetValue(flag, out var list) ? list[^1] : null;

        var bureauText = One("--bureau") ?? throw new OptionsException("--bureau is required: GS or an ISO 3166-1 alpha-2 code such as FR");
        if (!BureauCode.TryParse(bureauText, out var bureau))
            throw new OptionsException("--bureau " + BureauCode.Explain(bureauText));

        var (listenHost, listenPort) = OptionParser.ParseEndpoint("--listen", One("--listen") ?? "127.0.0.1:0");
        var (httpHost, httpPort) = OptionParser.ParseEndpoint("--http", One("--http") ?? "127.0.0.1:5080");
        var seeds = (v.TryGetValue("--seed", out var s) ? s : ["127.0.0.1:4053"])
            .Select(seed => { var (h, p) = OptionParser.ParseEndpoint("--seed", seed); return $"{h}:{p}"; }).ToArray();
        var data = One("--data") ?? Path.Combine("var", bureau!.Value);
        var storage = StorageSettings.Parse(One("--database"), data);
        var insecure = One("--insecure") == "true";
        var autoEnrol = One("--auto-enrol") == "true";
        if (autoEnrol && !bureau!.IsSecretariat)
            throw new OptionsException("--auto-enrol is for GS nodes only: remove it or run with --bureau GS");
        var tlsCert = One("--tls-cert");
        var ca = One("--ca");
        var logFormat = ParseLogFormat(One("--log-format"));
        var remote = new RemoteEndpoint(listenHost, listenPort, One("--public-host") ?? listenHost);
        // Checked here so that the compose test and every start see the same refusal; the record keeps the flags as given.
        TlsFiles.FromOptions(tlsCert, One("--tls-password"), ca, insecure);

        return new NodeOptions(
            bureau!,
            remote,
            seeds,
            httpHost,
            httpPort,
            Path.GetFullPath(data),
            storage,
            tlsCert,
            One("--tls-password"),
            ca,
            insecure,
            autoEnrol,
            logFormat,
            ParseHeartbeatPause(One("--heartbeat-pause")),
            BulkEndpoint.Parse(One("--bulk-listen"), remote));
    }

    public static bool WantsHelp(IReadOnlyList<string> args) => args.Contains("--help") || args.Contains("-h");

    public static LogFormat ParseLogFormat(string? value) => value switch
    {
        null or "console" => LogFormat.Console,
        "json" => LogFormat.Json,
        _ => throw new OptionsException($"--log-format '{value}' is not console or json"),
    };

    /// <summary>The TLS files, or null when running --insecure.</summary>
    public TlsFiles? Tls => TlsCertificate is null ? null : new TlsFiles(TlsCertificate, TlsPassword, CaCertificate!);

    /// <summary>Whom this node's certificate must name: its own bureau.</summary>
    public CertificateHolder CertificateHolder => CertificateHolder.For(Bureau);

    /// <summary>The cluster roles this node carries.</summary>
    public IReadOnlyList<string> Roles => [Bureau.IsSecretariat ? "secretariat" : "ncb", Bureau.Role];
}
