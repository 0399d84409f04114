using System.Net;
using System.Net.Sockets;

namespace ActorNet.Cli.Tests;

/// <summary>
/// A loopback port bound but not listening, held until disposed: a connection to it is refused, and nothing else can take
/// the port meanwhile (a port found free and let go, as <see cref="FakeNode.FreePort"/> does, could be, by any process).
/// </summary>
public sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
