using ActorNet.Protocol.Api;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Sealing;
using ActorNet.Protocol.Tests.Sealing;
using Xunit;
using static ActorNet.Protocol.Tests.Sealing.Bureaus;

namespace ActorNet.Protocol.Tests.Api;

/// <summary>What the inbox API shows a reader: the opened message, or why this node cannot open it.</summary>
public sealed class InboxMessageTests : IDisposable
{
    private static readonly DateTimeOffset Arrived = At.AddSeconds(3);
    private readonly Sealing.Bureaus bureaus = new();

    public void Dispose() => bureaus.Dispose();

    [Fact]
    public void An_opened_message_shows_its_payload_the_headers_fields_and_when_it_arrived()
    {
        var envelope = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US), Payload("Suspect seen at Lyon Part-Dieu"));
        var arrival = new InboxEvents.Received(FR, 7, envelope.Header.Id, envelope.ToBytes(), Arrived);

        var shown = InboxMessage.Of(arrival, bureaus.Opener(US).OpenAdmitted(envelope));

        Assert.Null(shown.Unreadable);
        Assert.Equal((envelope.Header.Id, "FR", "Red notice follow-up", "Suspect seen at Lyon Part-Dieu", "H1", "CASE-42"),
            (shown.Id, shown.From, shown.Subject, shown.Body, shown.HandlingCode, shown.CaseId));
        Assert.Equal((At, Arrived), (shown.SentAt, shown.ReceivedAt));
        var attachment = Assert.Single(shown.Attachments!);
        Assert.Equal(new AttachmentInfo(0, "photo.jpg", "image/jpeg", 4), attachment);
    }

    [Fact]
    public void A_message_this_node_cannot_open_says_why_and_shows_no_content()
    {
        // Signed by its sender, but with another envelope's payload: the reader cannot open it.
        var mixed = bureaus.SignedWithAnotherPayload(FR, US);
        var arrival = new InboxEvents.Received(FR, 8, mixed.Header.Id, mixed.ToBytes(), Arrived);

        var shown = InboxMessage.Of(arrival, bureaus.Opener(US).OpenAdmitted(mixed));

        Assert.NotNull(shown.Unreadable);
        Assert.StartsWith("Tampered: ", shown.Unreadable);
        Assert.Contains("payload does not authenticate", shown.Unreadable);
        Assert.Equal(("", ""), (shown.Subject, shown.Body));
        Assert.Empty(shown.Attachments!);
        Assert.Equal((mixed.Header.Id, "FR", "H1"), (shown.Id, shown.From, shown.HandlingCode));
    }
}
