using System.Net;
using System.Net.Http.Json;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Sealing;
using ActorNet.Protocol.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.Network.Tests;

/// <summary>
/// A rogue peer that holds a certificate from the network's CA, so it gets an Akka.Remote TLS association, delivers
/// tampered, forged and replayed envelopes straight to a bureau's inbox: each is refused and audited, none reaches the
/// inbox, and the bureau keeps receiving genuine mail.
/// </summary>
public sealed class WireInjectionTests(ITestOutputHelper output) : Scenario(output)
{
    private static readonly TimeSpan AskBound = TimeSpan.FromSeconds(20);
    private static readonly BureauCode Fr = new("FR");
    private static readonly BureauCode Us = new("US");
    private TestPki? _pki;

    public override void Dispose()
    {
        base.Dispose();
        _pki?.Dispose();
    }

    /// <summary>An actor system in this test process on the network's TLS, speaking ActorNet's wire format, but no member of the cluster.</summary>
    private static ActorSystem RoguePeer(TestPki pki, string holder) =>
        ActorSystem.Create("actornet", ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = WARNING
              actor {
                provider = remote
                serializers.actornet = "ActorNet.Actors.Serialization.ActorNetSerializer, ActorNet.Actors"
                serialization-bindings { "ActorNet.Protocol.IActorNetMessage, ActorNet.Protocol" = actornet }
              }
              remote.dot-netty.tcp {
                hostname = 127.0.0.1
                port = 0
                enable-ssl = true
                ssl {
                  suppress-validation = true
                  certificate { path = "{{pki.CertificateFor(holder)}}", password = "{{TestPki.Password}}" }
                }
              }
            }
            """));

    /// <summary>The sealed envelopes the sender's outbox persisted, in the order posted, read from its SQLite journal with our wire format.</summary>
    private static List<SealedEnvelope> SentEnvelopes(string dataDirectory, BureauCode sender)
    {
        using var db = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "actornet.db")};Mode=ReadOnly");
        db.Open();
        using var query = db.CreateCommand();
        query.CommandText = "SELECT message, manifest FROM journal WHERE persistence_id = $id AND manifest IN ('o.posted', 'o.posted-batch') ORDER BY sequence_number";
        query.Parameters.AddWithValue("$id", "outbox-" + sender.Value);
        var envelopes = new List<SealedEnvelope>();
        using var rows = query.ExecuteReader();
        while (rows.Read())
            envelopes.AddRange(OutboxEvents.PostsIn(WireFormat.Decode((byte[])rows[0], rows.GetString(1))).Select(p => SealedEnvelope.FromBytes(p.Sealed)));
        return envelopes;
    }

    private static async Task<string> SendAsync(NodeProcess from, string to, string subject)
    {
        var response = await from.Http.PostAsJsonAsync("/api/messages", new SendMessageRequest([to], subject, "genuine " + subject, "H1", null, null));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<MessageAccepted>())!.Id;
    }

    [Fact]
    public async Task Tampered_forged_and_replayed_envelopes_from_a_peer_with_a_network_certificate_are_refused_audited_and_kept_out_of_the_inbox()
    {
        _pki = new TestPki(Temp.Sub("ca"));
        var seed = NodeProcess.FreePort();
        Track(NodeProcess.StartTlsLighthouse(_pki, seed, seed));
        var nodes = new[] { "GS", "FR", "US" }.Select(b => Track(NodeProcess.StartTlsNode(_pki, b, [seed], Temp.Sub(b)))).ToArray();
        foreach (var node in nodes)
            await node.WaitReadyAsync(Ready);
        var (fr, us) = (nodes[1], nodes[2]);
        await Eventually.TrueAsync(async () => (await fr.BureausAsync()).Any(b => b.Code == "US" && b.Fingerprint is not null), Ready, "FR to know US's keys");

        // Three genuine messages: US's inbox now expects FR's fourth.
        var genuine = new List<string>();
        for (var i = 0; i < 3; i++)
            genuine.Add(await SendAsync(fr, "US", $"g{i}"));
        var inbox = new List<InboxMessage>();
        await Eventually.TrueAsync(async () => (await Inbox.ReadMoreAsync(us, inbox)).Count == 3, Ready, "3 genuine messages at US");

        // What the attacker works with: FR's genuine sealed bytes, and (to make envelopes that differ from genuine ones
        // only where the test alters them) FR's own keys and US's public ones.
        var journal = SentEnvelopes(fr.DataDirectory!, Fr);
        Assert.Equal(genuine, journal.Select(e => e.Id));
        using var frKeys = KeyStore.Load(Path.Combine(fr.DataDirectory!, "keys"));
        using var usKeys = KeyStore.Load(Path.Combine(us.DataDirectory!, "keys"));
        using var gsKeys = KeyStore.Load(Path.Combine(nodes[0].DataDirectory!, "keys"));
        var directory = new PublicKeyDirectory([usKeys.PublicKeys(Us), gsKeys.PublicKeys(new BureauCode("GS"))]);
        var asFr = new Sealer(Fr, frKeys, directory);
        using var impostorKeys = BureauKeyRing.Create();
        var impostor = new Sealer(Fr, impostorKeys, directory);
        SealedEnvelope Seal(Sealer sealer, string id, HandlingCode handling = HandlingCode.H1, string to = "US") =>
            sealer.Seal(sealer.Header(id, [new BureauCode(to)], DateTimeOffset.UtcNow, handling), new MessagePayload("injected", "injected body"));
        byte[] Garbage() => [0x0a, 0x03, 0x01, 0x02];

        var ciphertext = Seal(asFr, "tampered-payload");
        var flipped = ciphertext.Payload.ToArray();
        flipped[^20] ^= 0x01;
        var restricted = Seal(asFr, "tampered-header", HandlingCode.H3);
        var h = restricted.Header;
        var attacks = new (string Id, string Reason, SealedEnvelope Envelope)[]
        {
            ("tampered-payload", "Tampered", new SealedEnvelope(ciphertext.Header, flipped, ciphertext.Keys, ciphertext.Proof)),
            ("tampered-header", "Tampered", new SealedEnvelope(new EnvelopeHeader(h.Id, h.From, h.To, h.SentAt, HandlingCode.H0, h.CaseId, h.SenderKeyVersion, h.ForwardingAllowed),
                restricted.Payload, restricted.Keys, restricted.Proof)),
            ("forged", "Forged", Seal(impostor, "forged")),
            ("for-gs", "wrongly addressed", Seal(asFr, "for-gs", to: "GS")),
            (genuine[0], "replayed", journal[0]),
        };

        var rogue = RoguePeer(_pki, "IT");
        try
        {
            var inboxOfUs = rogue.ActorSelection($"{await us.SelfAddressAsync()}/user/inbox/inbox");
            foreach (var (id, _, envelope) in attacks)
            {
                // At the very sequence US expects next from FR: only the envelope itself can be what gets it refused.
                var answer = await inboxOfUs.Ask<DeliveryProtocol.Accepted>(
                    new DeliveryProtocol.Deliver(Fr, Us, [new Parcel(4, id, envelope.ToBytes())]), AskBound);
                Assert.Equal(3, answer.UpToSequence);
            }
            var malformed = await inboxOfUs.Ask<DeliveryProtocol.Accepted>(new DeliveryProtocol.Deliver(Fr, Us, [new Parcel(4, "garbage", Garbage())]), AskBound);
            Assert.Equal(3, malformed.UpToSequence);
            // A replay of the very delivery FR's outbox made is a retry to the inbox: acknowledged, not stored again.
            var retry = await inboxOfUs.Ask<DeliveryProtocol.Accepted>(
                new DeliveryProtocol.Deliver(Fr, Us, [new Parcel(1, genuine[0], journal[0].ToBytes())]), AskBound);
            Assert.Equal(3, retry.UpToSequence);
        }
        finally
        {
            await rogue.Terminate().WaitAsync(AskBound);
        }

        // A refusal reaches the audit log once it is persisted, which an answer does not wait for: wait for every one.
        var refused = attacks.Select(a => (Id: a.Id, Reason: a.Reason)).Append((Id: "garbage", Reason: "malformed")).ToList();
        List<AuditEntry> audit = [];
        await Eventually.TrueAsync(async () =>
        {
            audit = (await us.Http.GetFromJsonAsync<List<AuditEntry>>("/api/audit?limit=1000"))!;
            return refused.All(r => audit.Any(e => e.Kind == AuditKinds.EnvelopeRefused && e.MessageId == r.Id));
        }, Ready, "US's audit log to record every refusal", () => us.Output);
        foreach (var (id, reason) in refused)
        {
            var refusal = Assert.Single(audit, e => e.Kind == AuditKinds.EnvelopeRefused && e.MessageId == id);
            Assert.Contains(reason, refusal.Detail);
            Assert.Equal("FR", refusal.Peer);
        }
        Assert.Single(audit, e => e.Kind == AuditKinds.MessageReceived && e.Names(genuine[0]));
        Assert.Equal(HttpStatusCode.OK, (await us.Http.GetAsync("/health/ready")).StatusCode);

        // Genuine mail still flows, in order, and nothing the rogue sent is in the inbox.
        genuine.Add(await SendAsync(fr, "US", "g3"));
        genuine.Add(await SendAsync(fr, "US", "g4"));
        await Eventually.TrueAsync(async () => (await Inbox.ReadMoreAsync(us, inbox)).Count >= 5, Ready, "the later genuine messages at US");
        Assert.Equal(genuine, inbox.Select(m => m.Id));
        Assert.Equal(genuine.Select((_, i) => $"g{i}"), inbox.Select(m => m.Subject));
    }
}
