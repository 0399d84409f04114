using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using ActorNet.Actors.Hosting;
using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Serilog;

namespace ActorNet.Actors.Messaging.Bulk;

/// <summary>
/// Takes bulk frames from other nodes' outboxes and hands each Deliver to this node's inbox door, with the sending outbox
/// as its sender, exactly as if it had come over Akka.Remote. A connection that sends anything but well-formed Deliver
/// frames is closed and logged; what it sent before stays taken.
/// </summary>
internal sealed class BulkListener : IAsyncDisposable
{
    private static readonly TimeSpan HandshakeBound = TimeSpan.FromSeconds(10);

    /// <summary>Connections served at once, at most: each network node needs one; more are refused at once.</summary>
    private const int MaxConnections = 1024;

    private readonly ExtendedActorSystem _system;
    private readonly TcpListener _listener;
    private readonly SslServerAuthenticationOptions? _ssl;
    private readonly CancellationTokenSource _stop = new();
    private readonly ActorSelection _inboxes;
    private Task _accepting = Task.CompletedTask;
    private long _framesIn, _connectionsCut;
    private int _open;

    private BulkListener(ExtendedActorSystem system, TcpListener listener, SslServerAuthenticationOptions? ssl)
    {
        _system = system;
        _listener = listener;
        _ssl = ssl;
        // Where a bureau node's inbox singleton is, and where a member hosting several bureaus has its door's router.
        _inboxes = system.ActorSelection($"/user/{InboxActor.Name}/{InboxActor.Name}");
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Deliver frames taken since start.</summary>
    public long FramesIn => Interlocked.Read(ref _framesIn);

    /// <summary>Connections closed for a failed handshake or bytes that are not a frame.</summary>
    public long ConnectionsCut => Interlocked.Read(ref _connectionsCut);

    /// <exception cref="OptionsException">The port is taken or the host is not this machine's.</exception>
    public static BulkListener Start(ExtendedActorSystem system, BulkEndpoint endpoint, NetworkTls? tls)
    {
        // The node checked the port before anything started (as for its other ports); a bind that fails still says why.
        TcpListener listener;
        try
        {
            listener = new TcpListener(PortCheck.Resolve(endpoint.Host), endpoint.Port);
            listener.Start();
        }
        catch (SocketException e)
        {
            throw new OptionsException($"--bulk-listen {endpoint.Host}:{endpoint.Port} cannot be listened on: {e.Message}");
        }
        var ssl = tls is null ? null : new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(tls.Certificate, additionalCertificates: null),
            ClientCertificateRequired = true,
            RemoteCertificateValidationCallback = BulkChannel.Validator(tls, "connecting node"),
            EnabledSslProtocols = BulkChannel.Protocols,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        };
        var bulk = new BulkListener(system, listener, ssl);
        bulk._accepting = bulk.AcceptAsync();
        return bulk;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                Log.Warning("Bulk channel: accepting a connection failed: {Reason}", e.Message);
                continue;
            }
            if (Interlocked.Increment(ref _open) > MaxConnections)
            {
                Interlocked.Decrement(ref _open);
                Interlocked.Increment(ref _connectionsCut);
                Log.Warning("Bulk channel: refused a connection from {Peer}: {Max} are open already", socket.RemoteEndPoint?.ToString(), MaxConnections);
                socket.Dispose();
                continue;
            }
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var peer = socket.RemoteEndPoint?.ToString() ?? "?";
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        long frames = 0;
        try
        {
            socket.NoDelay = true;
            if (_ssl is not null)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                handshake.CancelAfter(HandshakeBound);
                await tls.AuthenticateAsServerAsync(_ssl, handshake.Token);
            }
            var header = new byte[BulkFrame.HeaderSize];
            IActorRef? replyTo = null;
            string? replyToPath = null;
            while (true)
            {
                if (!await ReadFrameStartAsync(stream, header))
                    return; // closed between frames: the peer is done
                var body = GC.AllocateUninitializedArray<byte>(BulkFrame.ReadHeader(header));
                await stream.ReadExactlyAsync(body, _stop.Token);
                var (path, message) = BulkFrame.ReadBody(body);
                if (message is not DeliveryProtocol.Deliver deliver)
                    throw new BulkFrameException($"a bulk frame carries a {message.GetType().Name}; the channel takes Deliver messages only");
                if (path != replyToPath)
                {
                    replyTo = Resolve(path);
                    replyToPath = path;
                }
                // Counted before the inbox can persist it, so a reader who sees the message sees it counted.
                frames++;
                Interlocked.Increment(ref _framesIn);
                _inboxes.Tell(deliver, replyTo);
            }
        }
        catch (BulkFrameException e)
        {
            Interlocked.Increment(ref _connectionsCut);
            Log.Warning("Bulk channel: closed the connection from {Peer} after {Frames} frames: {Reason}", peer, frames, e.Message);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or EndOfStreamException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            if (e is AuthenticationException || (_ssl is not null && stream is SslStream { IsAuthenticated: false }))
                Interlocked.Increment(ref _connectionsCut);
            if (!_stop.IsCancellationRequested)
                Log.Information("Bulk channel: the connection from {Peer} ended after {Frames} frames: {Reason}", peer, frames, e.GetBaseException().Message);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
            await stream.DisposeAsync();
        }
    }

    /// <summary>Reads a header; false if the stream ends before its first byte.</summary>
    private async Task<bool> ReadFrameStartAsync(Stream stream, byte[] header)
    {
        var read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, _stop.Token);
        if (read == 0)
            return false;
        if (read < header.Length)
            throw new BulkFrameException($"the connection ended inside a frame header ({read} of {header.Length} bytes)");
        return true;
    }

    private IActorRef Resolve(string path)
    {
        try
        {
            if (ActorPath.TryParse(path, out var parsed) && parsed.Address.HasGlobalScope)
                return _system.Provider.ResolveActorRef(parsed);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new BulkFrameException($"a bulk frame's reply-to '{path}' does not resolve: {e.Message}");
        }
        throw new BulkFrameException($"a bulk frame's reply-to '{path}' is not a remote actor path");
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
    }
}
