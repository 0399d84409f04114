using ActorNet.Protocol.Api;
using ActorNet.Protocol.Notices;
using Xunit;

namespace ActorNet.Protocol.Tests.Notices;

public class NoticeValidatorTests
{
    private static readonly DateOnly Today = new(2026, 11, 28);

    public static NoticeRequest Red(NoticeSubjectBody? subject = null, WarrantBody? warrant = null, string? offence = "armed robbery of a bank") =>
        new("red", subject ?? new NoticeSubjectBody("Al-Hassan", "Mohammed", ["Abu Ali"], ["محمد الحسن"], "1980-04", "M", ["FR", "DZ"], "Oran", "scar on the left cheek"),
            offence, warrant ?? new WarrantBody("Tribunal judiciaire de Paris", "2026-01-15", "vol à main armée"), Attachments: ["photo-1.jpg"], RestrictedFrom: ["ES"]);

    private static IReadOnlyList<string> Fields(NoticeRequest request, bool diffusion = false) =>
        NoticeValidator.Validate(request, Today, diffusion).Problems.Select(p => p.Field).ToArray();

    [Fact]
    public void A_complete_red_notice_passes_with_its_particulars()
    {
        var (notice, problems) = NoticeValidator.Validate(Red(), Today);

        Assert.Empty(problems);
        Assert.Equal(NoticeType.Red, notice!.Content.Type);
        Assert.Equal(new PartialDate(1980, 4, null), notice.Content.Subject.DateOfBirth);
        Assert.Equal(["FR", "DZ"], notice.Content.Subject.Nationalities);
        Assert.Equal(new DateOnly(2026, 1, 15), notice.Content.Warrant!.Date);
        Assert.Equal([new BureauCode("ES")], notice.RestrictedFrom);
        Assert.Contains("محمد الحسن", notice.Content.Subject.AllNames());
    }

    [Fact]
    public void A_red_notice_without_offence_or_warrant_names_every_missing_field()
    {
        var request = new NoticeRequest("red", new NoticeSubjectBody(Forename: "Jean"));

        Assert.Equal(
            [NoticeField.SubjectName, NoticeField.Offence, NoticeField.WarrantIssuedBy, NoticeField.WarrantDate, NoticeField.WarrantCharge],
            Fields(request));
    }

    [Theory]
    [InlineData("yellow", new[] { NoticeField.SubjectName, NoticeField.Details })]
    [InlineData("blue", new[] { NoticeField.SubjectName, NoticeField.Offence, NoticeField.Details })]
    [InlineData("black", new[] { NoticeField.SubjectDescription, NoticeField.Details })]
    [InlineData("green", new[] { NoticeField.SubjectName, NoticeField.Offence, NoticeField.Details })]
    [InlineData("orange", new[] { NoticeField.Details })]
    [InlineData("purple", new[] { NoticeField.Details })]
    [InlineData("silver", new[] { NoticeField.SubjectName, NoticeField.Offence, NoticeField.Details })]
    [InlineData("un-special", new[] { NoticeField.SubjectName, NoticeField.SanctionsReference })]
    public void Each_type_names_what_it_requires(string type, string[] required)
    {
        Assert.Equal(required, Fields(new NoticeRequest(type)));
    }

    [Fact]
    public void Unknown_type_bad_country_code_and_future_birth_are_each_named()
    {
        var request = Red(new NoticeSubjectBody("Doe", "John", DateOfBirth: "2031-02-03", Sex: "X", Nationalities: ["FR", "XX", "fra"])) with { Type = "scarlet" };

        var problems = NoticeValidator.Validate(request, Today).Problems;

        Assert.Contains(problems, p => p.Field == NoticeField.Type && p.Message.Contains("scarlet") && p.Message.Contains("un-special"));
        Assert.Contains(problems, p => p.Field == NoticeField.Nationalities && p.Message.Contains("'XX'"));
        Assert.Contains(problems, p => p.Field == NoticeField.Nationalities && p.Message.Contains("'fra'"));
        Assert.Contains(problems, p => p.Field == NoticeField.DateOfBirth && p.Message.Contains("future"));
        Assert.Contains(problems, p => p.Field == NoticeField.Sex);
    }

    [Theory]
    [InlineData("1980")]
    [InlineData("1980-04")]
    [InlineData("1980-04-02")]
    public void Partial_dates_of_birth_are_accepted(string date)
    {
        Assert.True(PartialDate.TryParse(date, out var parsed));
        Assert.Equal(date, parsed!.ToString());
    }

    [Theory]
    [InlineData("80")]
    [InlineData("1980-13")]
    [InlineData("1980-02-30")]
    [InlineData("1980/04/02")]
    [InlineData("02-04-1980")]
    public void Malformed_dates_of_birth_are_refused(string date)
    {
        Assert.Contains(NoticeField.DateOfBirth, Fields(Red(new NoticeSubjectBody("Doe", DateOfBirth: date))));
    }

    [Fact]
    public void Restricting_from_GS_or_an_unknown_bureau_is_refused()
    {
        var problems = NoticeValidator.Validate(Red() with { RestrictedFrom = ["GS", "QQ"] }, Today).Problems;

        Assert.Equal(2, problems.Count(p => p.Field == NoticeField.RestrictedFrom));
    }

    [Fact]
    public void A_diffusion_names_its_recipients_and_a_notice_does_not()
    {
        Assert.Contains(NoticeField.To, Fields(Red(), diffusion: true));
        Assert.Contains(NoticeField.To, Fields(Red() with { To = ["US"] }));
        Assert.DoesNotContain(NoticeField.To, Fields(Red() with { To = ["US"], RestrictedFrom = [] }, diffusion: true));
    }

    [Fact]
    public void A_warrant_dated_in_the_future_is_refused()
    {
        Assert.Contains(NoticeField.WarrantDate, Fields(Red(warrant: new WarrantBody("Court", "2027-01-01", "fraud"))));
    }
}
