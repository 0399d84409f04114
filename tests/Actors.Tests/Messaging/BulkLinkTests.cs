using System.Net;
using System.Net.Sockets;
using ActorNet.Actors.Messaging.Bulk;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Messaging;

/// <summary>A bulk link's queue, in front of a peer that is slower than the outboxes writing to it.</summary>
public sealed class BulkLinkTests : TestKit
{
    private static readonly BureauCode FR = new("FR"), US = new("US");

    // What a fan-out to every bureau of the network keeps in flight on one link: each recipient's window of 2,000 cut
    // envelopes is ~45 Delivers (OutboxSettings), and INTERPOL has 195 member countries.
    private const int InFlight = 195 * 45;

    [Fact]
    public async Task A_peer_that_reads_nothing_yet_does_not_turn_away_the_Delivers_a_fan_out_to_every_bureau_keeps_in_flight()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepting = listener.AcceptTcpClientAsync();
        await using var link = new BulkLink((ExtendedActorSystem)Sys, $"127.0.0.1:{port}", "127.0.0.1", port, tls: null, failed: () => { });
        // Connected, and never read: once the sockets' buffers are full the link's writer waits, and the rest queues.
        using var peer = await accepting.WaitAsync(TimeSpan.FromSeconds(10));
        var envelope = new byte[2048]; // a cut envelope of a 1 KiB message is ~1.9 KB
        var refused = 0;
        for (var i = 0; i < InFlight; i++)
            if (!link.TrySend(new DeliveryProtocol.Deliver(FR, US, [new Parcel(i + 1, $"m{i}", envelope)]), TestActor))
                refused++;
        // A refused Deliver goes over Akka.Remote instead, and the outbox starts that recipient's window again.
        Assert.Equal(0, refused);
        Assert.False(link.Broken);
    }
}
