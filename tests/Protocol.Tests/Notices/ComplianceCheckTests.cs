using ActorNet.Protocol.Api;
using ActorNet.Protocol.Notices;
using Xunit;

namespace ActorNet.Protocol.Tests.Notices;

public class ComplianceCheckTests
{
    private static readonly DateOnly Today = new(2026, 11, 28);

    private static IReadOnlyList<ComplianceFinding> Check(NoticeRequest request)
    {
        var (notice, problems) = NoticeValidator.Validate(request, Today);
        Assert.Empty(problems);
        return ComplianceCheck.Run(notice!.Content, Today);
    }

    [Fact]
    public void A_complete_red_notice_for_a_serious_crime_has_no_findings()
    {
        Assert.Empty(Check(NoticeValidatorTests.Red()));
    }

    [Fact]
    public void Missing_identifiers_are_each_found()
    {
        var findings = Check(NoticeValidatorTests.Red(new NoticeSubjectBody("Doe")) with { Attachments = [] });

        Assert.All(findings, f => Assert.Equal(ComplianceFinding.MissingIdentifiers, f.Code));
        Assert.Equal([NoticeField.SubjectForename, NoticeField.DateOfBirth, NoticeField.Nationalities, NoticeField.Sex, "attachments"], findings.Select(f => f.Field));
    }

    [Theory]
    [InlineData("organising a political demonstration", "political")]
    [InlineData("Désertion en temps de paix", "military")]
    [InlineData("blasphemy", "religious")]
    [InlineData("incitement to ethnic hatred", "racial")]
    [InlineData("lèse-majesté", "political")]
    public void An_offence_of_an_article_3_character_is_found(string offence, string character)
    {
        var findings = Check(NoticeValidatorTests.Red(offence: offence));

        var finding = Assert.Single(findings, f => f.Code == ComplianceFinding.Article3);
        Assert.Contains(character, finding.Detail);
        Assert.Equal(NoticeField.Offence, finding.Field);
    }

    [Theory]
    [InlineData("unpaid parking fines")]
    [InlineData("defamation of a neighbour")]
    [InlineData("bounced cheque")]
    public void A_red_notice_for_a_minor_offence_is_found(string offence)
    {
        Assert.Contains(Check(NoticeValidatorTests.Red(offence: offence)), f => f.Code == ComplianceFinding.MinorOffence);
    }

    [Fact]
    public void Words_match_whole_words_only()
    {
        // "racketeering" holds neither "race" nor "racial"; "department" holds no "desert".
        Assert.Empty(Check(NoticeValidatorTests.Red(offence: "racketeering and fraud against the department of finance")));
    }

    [Fact]
    public void An_expired_warrant_is_found()
    {
        var findings = Check(NoticeValidatorTests.Red(warrant: new WarrantBody("Court", "2010-01-01", "fraud", "2025-12-31")));

        var finding = Assert.Single(findings);
        Assert.Equal(ComplianceFinding.ExpiredWarrant, finding.Code);
        Assert.Contains("2025-12-31", finding.Detail);
    }

    [Fact]
    public void Findings_never_quote_the_subject_s_names()
    {
        var findings = Check(NoticeValidatorTests.Red(new NoticeSubjectBody("Zyxwvut"), offence: "political traffic offence") with { Attachments = [] });

        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.DoesNotContain("Zyxwvut", f.Detail));
    }
}
