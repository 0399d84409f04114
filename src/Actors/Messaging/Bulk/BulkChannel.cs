using System.Collections.Concurrent;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using ActorNet.Actors.Hosting;
using ActorNet.Protocol.Api;
using Akka.Actor;
using Serilog;

namespace ActorNet.Actors.Messaging.Bulk;

/// <summary>
/// A node's bulk channel: the listener that takes Deliver messages straight into its inboxes, and its links to other
/// nodes' listeners. Envelopes are most of what crosses the network, and Akka.Remote copies each message four to six
/// times on either side (docs/benchmarks.md, session 19); here a Deliver is one frame written to a TLS stream and read
/// into one array. Acknowledgements, and everything else, stay on Akka.Remote. Over mutual TLS with the network CA's
/// certificates, as Akka.Remote is; plain TCP only where the node runs --insecure.
/// </summary>
/// <remarks>An outbox learns where a recipient's node listens from that inbox's acknowledgements
/// (<see cref="Protocol.Messaging.DeliveryProtocol.Accepted.Bulk"/>); until then, and whenever a link fails, it sends over Akka.Remote.</remarks>
public sealed class BulkChannel : IAsyncDisposable
{
    private static readonly ConditionalWeakTable<ActorSystem, BulkChannel> BySystem = new();

    /// <summary>How long after a link to an endpoint failed before another is tried: meanwhile its outboxes send over Akka.Remote.</summary>
    internal static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly ExtendedActorSystem _system;
    private readonly NetworkTls? _tls;
    private readonly BulkListener _listener;
    private readonly ConcurrentDictionary<string, BulkLink> _links = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _failedAt = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _deliversOverRemote;

    private BulkChannel(ExtendedActorSystem system, NetworkTls? tls, BulkListener listener, string advertised)
    {
        _system = system;
        _tls = tls;
        _listener = listener;
        Advertised = advertised;
    }

    /// <summary>Where other nodes reach this one's listener, HOST:PORT.</summary>
    public string Advertised { get; }

    /// <summary>The channel of <paramref name="system"/>, or null where none was started (tests, or the channel turned off).</summary>
    public static BulkChannel? Of(ActorSystem system) => BySystem.TryGetValue(system, out var channel) ? channel : null;

    /// <summary>Starts the listener and makes the channel the system's; stopped with the actor system.</summary>
    /// <exception cref="OptionsException">The listener's port is taken or cannot be bound.</exception>
    public static BulkChannel Start(ActorSystem system, BulkEndpoint endpoint, NetworkTls? tls)
    {
        var extended = (ExtendedActorSystem)system;
        var listener = BulkListener.Start(extended, endpoint, tls);
        var channel = new BulkChannel(extended, tls, listener, $"{endpoint.PublicHost}:{listener.Port}");
        BySystem.AddOrUpdate(system, channel);
        system.RegisterOnTermination(() => channel.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(2)));
        Log.Information("Bulk channel for envelopes listening on {BulkEndpoint} ({Transport}), advertised as {Advertised}",
            $"{endpoint.Host}:{listener.Port}", tls is null ? "plain TCP, --insecure" : "mutual TLS", channel.Advertised);
        return channel;
    }

    /// <summary>What the channel has carried, for operators (<c>GET /api/transport</c>).</summary>
    public BulkChannelInfo Status() => new(Advertised, _tls is null ? "tcp" : "mutual-tls", _listener.FramesIn, _listener.ConnectionsCut,
        _links.Values.OrderBy(l => l.Endpoint, StringComparer.Ordinal).Select(l => new BulkLinkInfo(l.Endpoint, l.Broken ? "down" : "up", l.FramesOut, l.Refused)).ToArray(),
        Interlocked.Read(ref _deliversOverRemote));

    /// <summary>
    /// An outbox of this node sent a Deliver over Akka.Remote: a recipient's first (before its acknowledgement names its
    /// channel), the probe after a silence, or any while its link is down or full. Counted for operators: many more than
    /// the recipients say the channel is not carrying what it should.
    /// </summary>
    internal void CountDeliverOverRemote() => Interlocked.Increment(ref _deliversOverRemote);

    /// <summary>The link to the node listening at <paramref name="endpoint"/>; null while a failed one is cooling off.</summary>
    internal BulkLink? LinkTo(string endpoint)
    {
        // Outboxes of several hosted bureaus may ask at once: one link an endpoint.
        lock (_gate)
        {
            if (_links.TryGetValue(endpoint, out var link) && !link.Broken)
                return link;
            if (_failedAt.TryGetValue(endpoint, out var at) && DateTime.UtcNow - at < RetryAfter)
                return null;
            if (!BulkEndpoint.TryParseTarget(endpoint, out var host, out var port))
            {
                _failedAt[endpoint] = DateTime.UtcNow;
                Log.Warning("Bulk channel: an acknowledgement named {BulkEndpoint}, which is not HOST:PORT; delivering over Akka.Remote", endpoint);
                return null;
            }
            var fresh = new BulkLink(_system, endpoint, host, port, _tls, () => _failedAt[endpoint] = DateTime.UtcNow);
            _links[endpoint] = fresh;
            if (link is not null)
                _ = link.DisposeAsync().AsTask();
            return fresh;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync();
        foreach (var link in _links.Values)
            await link.DisposeAsync();
        _links.Clear();
    }

    /// <summary>Both ends present a certificate, checked as Akka.Remote checks it (<see cref="NetworkTls.Check"/>).</summary>
    internal static RemoteCertificateValidationCallback Validator(NetworkTls tls, string side) => (_, certificate, _, _) =>
    {
        var verdict = tls.Check(certificate);
        if (!verdict.Trusted)
            Log.Warning("Bulk channel: refused the {Side}'s certificate: {Reason}", side, verdict.Reason);
        return verdict.Trusted;
    };

    internal const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;
}

