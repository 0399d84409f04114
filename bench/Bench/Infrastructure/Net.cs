using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ActorNet.Bench.Infrastructure;

/// <summary>Loopback ports and bounded waits.</summary>
public static class Net
{
    public const string Loopback = "127.0.0.1";

    /// <summary>A port the kernel just handed out and released: free unless someone races for it.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static async Task<bool> WaitForListenerAsync(int port, TimeSpan bound, ChildProcess owner)
    {
        var until = Stopwatch.GetTimestamp() + (long)(bound.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until && !owner.HasExited)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        return false;
    }

    public static double SecondsSince(long timestamp) => Stopwatch.GetElapsedTime(timestamp).TotalSeconds;
}
