using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Channels;
using ActorNet.Actors.Hosting;
using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Serilog;

namespace ActorNet.Actors.Messaging.Bulk;

/// <summary>
/// One connection to another node's bulk listener, shared by this node's outboxes. Frames are encoded and written on the
/// link's own task, in the order they were handed over. When the connection cannot be made or breaks, the link refuses
/// further frames; what was queued is lost, and the outboxes send it again over Akka.Remote once it is overdue, as they
/// would after a lost Akka message.
/// </summary>
internal sealed class BulkLink : IAsyncDisposable
{
    /// <summary>
    /// Frames waiting for the socket. One link carries every Deliver this node sends to the bureaus hosted at the other end,
    /// up to each recipient's window: ~45 Delivers of cut envelopes each, ~9,000 for a fan-out to 195 bureaus. A Deliver
    /// the queue turns away goes over Akka.Remote, and the outbox then sends that recipient's window again: at 1,024 a
    /// fan-out to fifty bureaus on one member sent part of its Delivers both ways (docs/benchmarks.md, session 25). The
    /// queue holds references to envelopes the outboxes hold anyway, and grows only as far as it is used.
    /// </summary>
    private const int Capacity = 16_384;

    private static readonly TimeSpan ConnectBound = TimeSpan.FromSeconds(5);

    private readonly ExtendedActorSystem _system;
    private readonly string _host;
    private readonly int _port;
    private readonly NetworkTls? _tls;
    private readonly Action _failed;
    private readonly Channel<(object Message, IActorRef ReplyTo)> _queue =
        Channel.CreateBounded<(object, IActorRef)>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private volatile bool _broken;
    private long _framesOut;
    private long _refused;

    /// <param name="endpoint">HOST:PORT as the peer advertised it.</param>
    public BulkLink(ExtendedActorSystem system, string endpoint, string host, int port, NetworkTls? tls, Action failed)
    {
        _system = system;
        Endpoint = endpoint;
        _host = host;
        _port = port;
        _tls = tls;
        _failed = failed;
        _running = Task.Run(RunAsync);
    }

    public bool Broken => _broken;

    public string Endpoint { get; }

    public long FramesOut => Interlocked.Read(ref _framesOut);

    /// <summary>Messages turned away because the queue was full (each went over Akka.Remote instead).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Queues <paramref name="message"/> for the peer; false if the link is broken or full (send it another way).</summary>
    public bool TrySend(object message, IActorRef replyTo)
    {
        if (_broken)
            return false;
        if (_queue.Writer.TryWrite((message, replyTo)))
            return true;
        if (!_broken) // a link that failed meanwhile has completed its queue: that is not a full one
            Interlocked.Increment(ref _refused);
        return false;
    }

    private async Task RunAsync()
    {
        var endpoint = Endpoint;
        Stream? stream = null;
        long frames = 0;
        try
        {
            stream = await ConnectAsync();
            Log.Information("Bulk channel: linked to {BulkEndpoint}", endpoint);
            IActorRef? replyTo = null;
            var replyToPath = "";
            var address = _system.Provider.DefaultAddress;
            var reader = _queue.Reader;
            while (await reader.WaitToReadAsync(_stop.Token))
            {
                while (reader.TryRead(out var item))
                {
                    if (!ReferenceEquals(item.ReplyTo, replyTo))
                    {
                        replyTo = item.ReplyTo;
                        replyToPath = replyTo.Path.ToSerializationFormatWithAddress(address);
                    }
                    var frame = BulkFrame.Rent(replyToPath, item.Message, out var length);
                    try
                    {
                        await stream.WriteAsync(frame.AsMemory(0, length), _stop.Token);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(frame);
                    }
                    frames++;
                    Interlocked.Increment(ref _framesOut);
                }
                await stream.FlushAsync(_stop.Token);
            }
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            _failed(); // first: an outbox that finds the link broken must not be handed a new one at once
            _broken = true;
            Log.Warning("Bulk channel: the link to {BulkEndpoint} failed after {Frames} frames ({Reason}); its outboxes deliver over Akka.Remote meanwhile",
                endpoint, frames, e.GetBaseException().Message);
        }
        catch (Exception)
        {
            // stopping
        }
        finally
        {
            _broken = true;
            _queue.Writer.TryComplete();
            if (stream is not null)
                await stream.DisposeAsync();
        }
    }

    private async Task<Stream> ConnectAsync()
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        bound.CancelAfter(ConnectBound);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_host, _port, bound.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var network = new NetworkStream(socket, ownsSocket: true);
        if (_tls is null)
            return network;
        var tls = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                // Peers are reached by IP or container name: the CA-issued certificate, not the host name, says who they are.
                TargetHost = _host,
                ClientCertificateContext = SslStreamCertificateContext.Create(_tls.Certificate, additionalCertificates: null),
                RemoteCertificateValidationCallback = BulkChannel.Validator(_tls, "listening node"),
                EnabledSslProtocols = BulkChannel.Protocols,
                CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            }, bound.Token);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
        return tls;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _queue.Writer.TryComplete();
        await _running;
    }
}
