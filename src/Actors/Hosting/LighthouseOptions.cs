namespace ActorNet.Actors.Hosting;

/// <summary>What a Lighthouse seed is started with: where it listens, which seeds (itself included) form the cluster, and its TLS files.</summary>
public sealed record LighthouseOptions(RemoteEndpoint Remote, IReadOnlyList<string> Seeds, LogFormat LogFormat, TlsFiles? Tls, bool Insecure, TimeSpan HeartbeatPause)
{
    public static IReadOnlyList<OptionSpec> Specs { get; } =
    [
        new("--listen", "ACTORNET_LISTEN", "Akka.Remote endpoint HOST:PORT (default 127.0.0.1:4053)"),
        new("--public-host", "ACTORNET_PUBLIC_HOST", "host name others reach this seed by (default: the listen host)"),
        new("--seed", "ACTORNET_SEEDS", "seed node HOST:PORT, repeatable (default 127.0.0.1:4053)", Repeatable: true),
        new("--tls-cert", "ACTORNET_TLS_CERT", "this seed's certificate and key (PKCS#12)"),
        new("--tls-password", "ACTORNET_TLS_PASSWORD", "password of --tls-cert"),
        new("--ca", "ACTORNET_CA", "the network CA's certificate (PEM)"),
        new("--insecure", "ACTORNET_INSECURE", "plain TCP between nodes (development only)", TakesValue: false),
        new("--log-format", "ACTORNET_LOG_FORMAT", "console (default) or json"),
        NodeOptions.HeartbeatPauseSpec,
        new("--help", null, "show this help", TakesValue: false),
    ];

    /// <exception cref="OptionsException">A flag or variable is wrong; the message says which.</exception>
    public static LighthouseOptions Parse(IReadOnlyList<string> args, Func<string, string?> env)
    {
        var v = OptionParser.Parse(args, Specs, env);
        string? One(string flag) => v.TryGetValue(flag, out var list) ? list[^1] : null;

        var (host, port) = OptionParser.ParseEndpoint("--listen", One("--listen") ?? "127.0.0.1:4053");
        if (port == 0)
            throw new OptionsException("--listen needs a fixed port for a seed (for example 127.0.0.1:4053), not 0");
        var seeds = (v.TryGetValue("--seed", out var s) ? s : ["127.0.0.1:4053"])
            .Select(seed => { var (h, p) = OptionParser.ParseEndpoint("--seed", seed); return $"{h}:{p}"; }).ToArray();
        var logFormat = NodeOptions.ParseLogFormat(One("--log-format"));
        var insecure = One("--insecure") == "true";
        var tls = TlsFiles.FromOptions(One("--tls-cert"), One("--tls-password"), One("--ca"), insecure);
        return new LighthouseOptions(new RemoteEndpoint(host, port, One("--public-host") ?? host), seeds, logFormat, tls, insecure,
            NodeOptions.ParseHeartbeatPause(One("--heartbeat-pause")));
    }
}
