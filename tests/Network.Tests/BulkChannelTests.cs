using System.Buffers;
using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Sealing;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.Network.Tests;

/// <summary>
/// Envelopes travel over the bulk channel beside Akka.Remote once the recipient's node has named it, in order and once each;
/// a node with the channel off (as an older one) gets its mail over Akka.Remote; and what is not a network node sending
/// well-formed frames is cut off without harm to what was taken or to the node.
/// </summary>
public sealed class BulkChannelTests(ITestOutputHelper output) : Scenario(output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private TestPki? _pki, _otherPki;

    public override void Dispose()
    {
        base.Dispose();
        _pki?.Dispose();
        _otherPki?.Dispose();
    }

    private static async Task<string> SendAsync(NodeProcess from, string to, string subject)
    {
        var response = await from.Http.PostAsJsonAsync("/api/messages", new SendMessageRequest([to], subject, "body of " + subject, "H1", null, null));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<MessageAccepted>())!.Id;
    }

    private static async Task<BulkChannelInfo?> BulkAsync(NodeProcess node) => (await node.Http.GetFromJsonAsync<TransportInfo>("/api/transport"))!.Bulk;

    /// <summary>Connects to <paramref name="port"/> as the holder of <paramref name="certificateFile"/>, or over plain TCP when null.</summary>
    private static async Task<Stream> ConnectAsync(int port, string? certificateFile)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var network = new NetworkStream(socket, ownsSocket: true);
        if (certificateFile is null)
            return network;
        var tls = new SslStream(network);
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(certificateFile, TestPki.Password);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ClientCertificateContext = SslStreamCertificateContext.Create(certificate, null),
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }).WaitAsync(Bound);
        return tls;
    }

    /// <summary>Writes <paramref name="bytes"/> and waits for the node to close the connection (a read that ends or fails).</summary>
    private static async Task AssertCutOffAsync(Stream stream, byte[] bytes)
    {
        try
        {
            await stream.WriteAsync(bytes);
            await stream.FlushAsync();
            var read = await stream.ReadAsync(new byte[16]).AsTask().WaitAsync(Bound);
            Assert.Equal(0, read);
        }
        catch (IOException)
        {
            // reset by the node: cut off as well
        }
    }

    /// <summary>
    /// Sends <paramref name="bytes"/> as the holder of <paramref name="certificateFile"/> and expects the connection to end:
    /// refused at the handshake (which with TLS 1.3 a client may see only at its first read) or cut off after the bytes.
    /// </summary>
    private static async Task CutOffOrRefusedAsync(int port, string certificateFile, byte[] bytes)
    {
        try
        {
            await using var stream = await ConnectAsync(port, certificateFile);
            await AssertCutOffAsync(stream, bytes);
        }
        catch (System.Security.Authentication.AuthenticationException)
        {
        }
        catch (IOException)
        {
        }
    }

    private static byte[] Frame(string replyTo, object message)
    {
        var rented = BulkFrame.Rent(replyTo, message, out var length);
        var frame = rented.AsSpan(0, length).ToArray();
        ArrayPool<byte>.Shared.Return(rented);
        return frame;
    }

    [Fact]
    public async Task Envelopes_go_over_the_bulk_channel_in_order_a_node_with_it_off_gets_them_over_Akka_and_bad_peers_and_bytes_are_cut_off()
    {
        _pki = new TestPki(Temp.Sub("ca"));
        var seed = NodeProcess.FreePort();
        var usBulk = NodeProcess.FreePort();
        Track(NodeProcess.StartTlsLighthouse(_pki, seed, seed));
        var gs = Track(NodeProcess.StartTlsNode(_pki, "GS", [seed], Temp.Sub("GS")));
        var fr = Track(NodeProcess.StartTlsNode(_pki, "FR", [seed], Temp.Sub("FR")));
        var us = Track(NodeProcess.StartTlsNode(_pki, "US", [seed], Temp.Sub("US"), extra: ["--bulk-listen", $"127.0.0.1:{usBulk}"]));
        var de = Track(NodeProcess.StartTlsNode(_pki, "DE", [seed], Temp.Sub("DE"), extra: ["--bulk-listen", "off"]));
        foreach (var node in new[] { gs, fr, us, de })
            await node.WaitReadyAsync(Ready);
        await Eventually.TrueAsync(async () => (await fr.BureausAsync()).Count(b => b.Code is "US" or "DE" && b.Fingerprint is not null) == 2, Ready, "FR to know US's and DE's keys");

        // The first message to each goes over Akka.Remote; US's acknowledgement names its channel, DE's names none.
        var toUs = new List<string> { await SendAsync(fr, "US", "u0") };
        var toDe = new List<string> { await SendAsync(fr, "DE", "d0") };
        foreach (var id in toUs.Concat(toDe))
            await Eventually.TrueAsync(async () => (await fr.Http.GetFromJsonAsync<MessageStatusInfo>($"/api/messages/{id}"))!.Recipients.Values.Single() != "queued",
                Ready, $"{id} acknowledged to FR");
        for (var i = 1; i <= 5; i++)
        {
            toUs.Add(await SendAsync(fr, "US", $"u{i}"));
            toDe.Add(await SendAsync(fr, "DE", $"d{i}"));
        }
        var atUs = new List<InboxMessage>();
        var atDe = new List<InboxMessage>();
        await Eventually.TrueAsync(async () => (await Inbox.ReadMoreAsync(us, atUs)).Count >= 6 && (await Inbox.ReadMoreAsync(de, atDe)).Count >= 6, Ready, "six messages each at US and DE");
        Assert.Equal(toUs, atUs.Select(m => m.Id));
        Assert.Equal(toDe, atDe.Select(m => m.Id));
        // The first message to each was sealed before its acknowledgement said that its inbox reads keys wrapped once a
        // batch; the rest were wrapped so (SealedEnvelope.WrapSalt), and opened.
        foreach (var (node, ids) in new[] { (us, toUs), (de, toDe) })
        {
            var salts = Journal.InboxArrivals(node.DataDirectory!, "inbox-" + node.Name).ToDictionary(r => r.Id, r => SealedEnvelope.FromBytes(r.Sealed).WrapSalt.Length);
            Assert.Equal([0, .. Enumerable.Repeat(SealedEnvelope.WrapSaltSize, 5)], ids.Select(id => salts[id]));
        }

        var frBulk = (await BulkAsync(fr))!;
        var link = Assert.Single(frBulk.Links);
        Assert.Equal(($"127.0.0.1:{usBulk}", "up"), (link.Endpoint, link.State));
        Assert.True(link.FramesOut >= 1, $"FR sent {link.FramesOut} frames to US");
        Assert.Equal(0, link.Refused);
        // DE has no channel: all six went over Akka.Remote, and so did the first to US.
        Assert.True(frBulk.DeliversOverRemote >= toDe.Count + 1, $"FR counted {frBulk.DeliversOverRemote} Delivers over Akka.Remote");
        var usBulkInfo = (await BulkAsync(us))!;
        Assert.Equal(($"127.0.0.1:{usBulk}", "mutual-tls"), (usBulkInfo.Listening, usBulkInfo.Transport));
        // FR counts a frame once its write returns, US once it has read it: on a busy machine either may come first, and a
        // retry after a slow acknowledgement may still be on its way. Both counts must meet.
        long framesOut = 0, framesIn = 0;
        await Eventually.TrueAsync(async () =>
        {
            framesOut = Assert.Single((await BulkAsync(fr))!.Links).FramesOut;
            framesIn = (await BulkAsync(us))!.FramesIn;
            return framesOut == framesIn;
        }, Bound, "FR's frames out to equal US's frames in");
        Assert.True(framesOut >= link.FramesOut, $"FR's frames out went from {link.FramesOut} to {framesOut}");
        Assert.Equal(0, usBulkInfo.ConnectionsRefused);
        Assert.Null(await BulkAsync(de));

        // Plain TCP, a certificate from another CA, bytes that are not a frame, a frame that is not a Deliver: each cut off.
        await AssertCutOffAsync(await ConnectAsync(usBulk, null), Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        _otherPki = new TestPki(Temp.Sub("other-ca"));
        await CutOffOrRefusedAsync(usBulk, _otherPki.CertificateFor("IT"), "ANB"u8.ToArray());
        const string replyTo = "akka.ssl.tcp://actornet@127.0.0.1:1/user/outbox/outbox";
        await CutOffOrRefusedAsync(usBulk, _pki.CertificateFor("IT"), [(byte)'A', (byte)'N', (byte)'B', 1, 0x7f, 0xff, 0, 0, .. "garbage"u8]);
        await CutOffOrRefusedAsync(usBulk, _pki.CertificateFor("IT"), Frame(replyTo, new DeliveryProtocol.Accepted(new BureauCode("US"), new BureauCode("FR"), 99)));
        // A well-formed frame from a network member with an envelope that is not one: it reaches the inbox's gate, is
        // refused and audited, and the connection stays open.
        await using (var member = await ConnectAsync(usBulk, _pki.CertificateFor("IT")))
        {
            await member.WriteAsync(Frame(replyTo, new DeliveryProtocol.Deliver(new BureauCode("FR"), new BureauCode("US"), [new Parcel(7, "garbage-over-bulk", new byte[] { 0x0a, 0x03, 0x01 })])));
            await Eventually.TrueAsync(async () => (await us.Http.GetFromJsonAsync<List<AuditEntry>>("/api/audit?limit=1000"))!
                .Any(e => e.Kind == AuditKinds.EnvelopeRefused && e.MessageId == "garbage-over-bulk" && e.Detail.Contains("malformed")), Bound, "the refusal in US's audit log");
        }
        await Eventually.TrueAsync(async () => (await BulkAsync(us))!.ConnectionsRefused >= 4, Bound, "four connections cut off at US");
        Assert.Equal(HttpStatusCode.OK, (await us.Http.GetAsync("/health/ready")).StatusCode);

        // Genuine mail still flows, in order, once each, and nothing else is in the inbox.
        toUs.Add(await SendAsync(fr, "US", "u6"));
        toUs.Add(await SendAsync(fr, "US", "u7"));
        await Eventually.TrueAsync(async () => (await Inbox.ReadMoreAsync(us, atUs)).Count >= 8, Ready, "the later messages at US");
        Assert.Equal(toUs, atUs.Select(m => m.Id));
    }
}
