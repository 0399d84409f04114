using ActorNet.Protocol.Sealing;
using Xunit;
using static ActorNet.Protocol.Tests.Sealing.Bureaus;

namespace ActorNet.Protocol.Tests.Sealing;

public class EnvelopeHeaderTests
{
    [Fact]
    public void A_header_needs_recipients_each_named_once()
    {
        Assert.Throws<ArgumentException>(() => new EnvelopeHeader("m-1", FR, [], At, HandlingCode.H0, null, 1));
        Assert.Throws<ArgumentException>(() => new EnvelopeHeader("m-1", FR, [US, US], At, HandlingCode.H0, null, 1));
    }

    [Fact]
    public void A_header_refuses_an_empty_id_an_unknown_handling_code_and_version_0()
    {
        Assert.Throws<ArgumentException>(() => new EnvelopeHeader("", FR, [US], At, HandlingCode.H0, null, 1));
        Assert.Throws<ArgumentException>(() => new EnvelopeHeader("m-1", FR, [US], At, (HandlingCode)4, null, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnvelopeHeader("m-1", FR, [US], At, HandlingCode.H0, null, 0));
    }

    [Theory]
    [InlineData(HandlingCode.H0, false, true)]
    [InlineData(HandlingCode.H1, false, true)]
    [InlineData(HandlingCode.H2, false, false)]
    [InlineData(HandlingCode.H3, false, false)]
    [InlineData(HandlingCode.H2, true, true)]
    [InlineData(HandlingCode.H3, true, true)]
    public void H2_and_H3_messages_may_be_forwarded_only_if_the_originator_allowed_it(HandlingCode code, bool allowed, bool mayBeForwarded)
    {
        Assert.Equal(mayBeForwarded, new EnvelopeHeader("m-1", FR, [US], At, code, null, 1, allowed).MayBeForwarded);
    }

    [Fact]
    public void Sent_at_keeps_the_milliseconds_the_wire_carries()
    {
        var header = new EnvelopeHeader("m-1", FR, [US], At.AddTicks(1234), HandlingCode.H0, null, 1);
        Assert.Equal(At, header.SentAt);
    }

    [Fact]
    public void Canonical_bytes_are_made_once_a_header_and_follow_every_field()
    {
        var header = new EnvelopeHeader("m-1", FR, [US, DE], At, HandlingCode.H2, "CASE-1", 1);
        var same = new EnvelopeHeader("m-1", FR, [US, DE], At, HandlingCode.H2, "CASE-1", 1);

        Assert.Same(Canonical.Header(header), Canonical.Header(header));
        Assert.Equal(Canonical.Header(header), Canonical.Header(same));
        Assert.NotEqual(Canonical.Header(header), Canonical.Header(new EnvelopeHeader("m-1", FR, [US, DE], At, HandlingCode.H2, "CASE-2", 1)));
        Assert.NotEqual(Canonical.Header(header), Canonical.Header(new EnvelopeHeader("m-1", FR, [DE, US], At, HandlingCode.H2, "CASE-1", 1)));
    }
}
