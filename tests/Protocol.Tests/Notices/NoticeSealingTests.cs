using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Sealing;
using TestBureaus = ActorNet.Protocol.Tests.Sealing.Bureaus;
using Xunit;

namespace ActorNet.Protocol.Tests.Notices;

public class NoticeSealingTests
{
    [Fact]
    public void A_notice_document_opens_for_its_readers_only_and_never_shows_in_the_sealed_bytes()
    {
        using var bureaus = new TestBureaus(TestBureaus.FR, BureauCode.Secretariat, TestBureaus.US);
        var (notice, _) = NoticeValidator.Validate(NoticeValidatorTests.Red(), new DateOnly(2026, 11, 28));
        var id = NoticeId.New();
        var document = new NoticeDocument(NoticeDocument.Request, id, "notice", new BureauCode("FR"), "pending-review", null, notice!.Content,
            notice.RestrictedFrom, true, [], ComplianceCheck.Run(notice.Content, new DateOnly(2026, 11, 28)), DateTimeOffset.UtcNow);
        var sealer = bureaus.Sealer(TestBureaus.FR);
        var envelope = sealer.Seal(sealer.Header(NoticeEnvelopes.IdFor(id, document.Operation, "1"), [BureauCode.Secretariat, new BureauCode("FR")],
            DateTimeOffset.UtcNow, HandlingCode.H0), NoticeSealing.ToPayload(document));
        var bytes = envelope.ToBytes();

        var opened = NoticeSealing.Open(bureaus.Opener(BureauCode.Secretariat), bytes);
        Assert.NotNull(opened);
        Assert.Equal(id, opened.Document.NoticeId);
        Assert.Equal("Al-Hassan", opened.Document.Content!.Subject.Name);
        Assert.Equal(new PartialDate(1980, 4, null), opened.Document.Content.Subject.DateOfBirth);
        Assert.Equal(notice.Content.Warrant, opened.Document.Content.Warrant);
        Assert.Null(NoticeSealing.Open(bureaus.Opener(TestBureaus.US), bytes));
        Assert.Equal(id, NoticeEnvelopes.NoticeOf(envelope.Id));
        Assert.True(bytes.AsSpan().IndexOf("Al-Hassan"u8) < 0);
    }

    [Fact]
    public void Envelope_ids_for_one_operation_on_one_notice_differ_even_within_a_millisecond_and_fit_a_header()
    {
        var longest = new NoticeId(new string('n', NoticeId.MaxLength));
        var longestOperation = NoticeDocument.Operations.MaxBy(o => o.Length)!;
        // Made as fast as a loop can: thousands share a millisecond, so a suffix that is the time alone would repeat.
        var ids = Enumerable.Range(0, 5_000).Select(_ => NoticeEnvelopes.NewIdFor(longest, longestOperation)).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Equal(longest, NoticeEnvelopes.NoticeOf(id)));
        Assert.All(ids, id => Assert.True(id.Length <= EnvelopeHeader.MaxIdLength, $"{id} is longer than a header's id may be"));
        using var bureaus = new TestBureaus(TestBureaus.FR, BureauCode.Secretariat);
        var sealer = bureaus.Sealer(TestBureaus.FR);
        Assert.Equal(ids[0], sealer.Header(ids[0], [BureauCode.Secretariat], DateTimeOffset.UtcNow, HandlingCode.H0).Id);
    }
}
