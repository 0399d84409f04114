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

    private static readonly byte[] Envelope = new byte[2048]; // a cut envelope of a 1 KiB message is ~1.9 KB

    [Fact]
    public async Task A_peer_that_reads_nothing_yet_does_not_turn_away_the_Delivers_a_fan_out_to_every_bureau_keeps_in_flight()
    {
        await using var peer = await SilentPeer.StartAsync((ExtendedActorSystem)Sys);
        var refused = Offer(peer.Link, InFlight);
        // A refused Deliver goes over Akka.Remote instead, and the outbox starts that recipient's window again.
        Assert.Equal(0, refused);
        Assert.Equal(0, peer.Link.Refused);
        Assert.False(peer.Link.Broken);
    }

    [Fact]
    public async Task A_full_queue_turns_Delivers_away_and_counts_each_one_for_GET_api_transport()
    {
        await using var peer = await SilentPeer.StartAsync((ExtendedActorSystem)Sys);
        // Well past the queue and whatever the sockets' buffers take off it.
        var refused = Offer(peer.Link, 4 * InFlight);
        Assert.True(refused > 0, "a peer that reads nothing filled neither the queue nor the sockets");
        Assert.Equal(refused, peer.Link.Refused);
        Assert.False(peer.Link.Broken);
    }

    /// <returns>How many of <paramref name="count"/> Delivers of 2 KB the link turned away.</returns>
    private int Offer(BulkLink link, int count)
    {
        var refused = 0;
        for (var i = 0; i < count; i++)
            if (!link.TrySend(new DeliveryProtocol.Deliver(FR, US, [new Parcel(i + 1, $"m{i}", Envelope)]), TestActor))
                refused++;
        return refused;
    }

    /// <summary>A link to a peer that accepted the connection and never reads: once the sockets' buffers are full the link's writer waits, and the rest queues.</summary>
    private sealed class SilentPeer(TcpListener listener, BulkLink link, TcpClient client) : IAsyncDisposable
    {
        public BulkLink Link => link;

        public static async Task<SilentPeer> StartAsync(ExtendedActorSystem system)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var accepting = listener.AcceptTcpClientAsync();
            var link = new BulkLink(system, $"127.0.0.1:{port}", "127.0.0.1", port, tls: null, failed: () => { });
            return new SilentPeer(listener, link, await accepting.WaitAsync(TimeSpan.FromSeconds(10)));
        }

        public async ValueTask DisposeAsync()
        {
            await link.DisposeAsync();
            client.Dispose();
            listener.Dispose();
        }
    }
}
