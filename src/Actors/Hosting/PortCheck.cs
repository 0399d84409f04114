using System.Net;
using System.Net.Sockets;

namespace ActorNet.Actors.Hosting;

/// <summary>Finds a port that is already taken before anything starts, so the error names the flag.</summary>
public static class PortCheck
{
    /// <exception cref="OptionsException">The port is in use or the host is not an address of this machine.</exception>
    public static void EnsureFree(string flag, string host, int port)
    {
        if (port == 0)
            return;
        IPAddress address;
        try
        {
            address = Resolve(host);
        }
        catch (SocketException e)
        {
            throw new OptionsException($"{flag} host '{host}' does not resolve: {e.Message}");
        }
        try
        {
            var listener = new TcpListener(address, port);
            listener.Start();
            listener.Stop();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new OptionsException($"{flag} {host}:{port} is already in use: stop what holds it or choose another port");
        }
        catch (SocketException e)
        {
            throw new OptionsException($"{flag} {host}:{port} cannot be listened on: {e.Message}");
        }
    }

    public static IPAddress Resolve(string host) =>
        IPAddress.TryParse(host, out var ip) ? ip
        : host == "localhost" ? IPAddress.Loopback
        : Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork);
}
