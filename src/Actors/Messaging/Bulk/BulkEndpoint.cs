using ActorNet.Actors.Hosting;

namespace ActorNet.Actors.Messaging.Bulk;

/// <summary>Where a node's bulk channel listens (<c>--bulk-listen</c>), and the host others reach it by.</summary>
public sealed record BulkEndpoint(string Host, int Port, string PublicHost)
{
    public const string Off = "off";

    /// <summary>
    /// <c>--bulk-listen HOST:PORT</c>, or <c>off</c>; by default the Akka.Remote host on a port of the system's choosing,
    /// which peers learn from acknowledgements. Null when turned off.
    /// </summary>
    /// <exception cref="OptionsException">Neither HOST:PORT nor off.</exception>
    public static BulkEndpoint? Parse(string? value, RemoteEndpoint remote)
    {
        if (value is null)
            return new BulkEndpoint(remote.Host, 0, remote.PublicHost);
        if (value.Trim().Equals(Off, StringComparison.OrdinalIgnoreCase))
            return null;
        var (host, port) = OptionParser.ParseEndpoint("--bulk-listen", value);
        // A host given here is also how others reach the channel, unless the node has a public host of its own.
        return new BulkEndpoint(host, port, remote.PublicHost != remote.Host ? remote.PublicHost : host);
    }

    /// <summary>Reads an advertised HOST:PORT (from a peer's acknowledgement).</summary>
    public static bool TryParseTarget(string value, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
            || port is < 1 or > 65535)
            return false;
        host = value[..colon].Trim('[', ']');
        return host.Length > 0 && !host.Any(char.IsWhiteSpace);
    }
}
