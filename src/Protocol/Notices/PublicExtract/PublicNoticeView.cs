using ActorNet.Protocol.Notices.Search;

namespace ActorNet.Protocol.Notices.PublicExtract;


/// <summary>What the public extract may show of a notice that its bureau marked public and GS published.</summary>
/// <remarks>The notice domain maps its own record onto this; the extract never sees anything else of a notice.</remarks>
public sealed record PublicNoticeView
{
    /// <summary><c>YYYY/NNNNN</c>.</summary>
    public required string EntityId { get; init; }
    public string? Forename { get; init; }
    public string? Name { get; init; }
    public PartialDate? DateOfBirth { get; init; }
    /// <summary>ISO 3166-1 alpha-2.</summary>
    public IReadOnlyList<string> Nationalities { get; init; } = [];
    /// <summary><c>F</c>, <c>M</c> or <c>U</c>.</summary>
    public string? SexId { get; init; }
    public string? PlaceOfBirth { get; init; }
    public string? CountryOfBirthId { get; init; }
    /// <summary>Metres.</summary>
    public double? Height { get; init; }
    /// <summary>Kilograms.</summary>
    public int? Weight { get; init; }
    /// <summary>INTERPOL's three-letter colour codes (BRO, BLA, ...).</summary>
    public IReadOnlyList<string> EyesColorsId { get; init; } = [];
    public IReadOnlyList<string> HairsId { get; init; } = [];
    public string? DistinguishingMarks { get; init; }
    /// <summary>Three letters (ENG, FRE, ARA, ...).</summary>
    public IReadOnlyList<string> LanguagesSpokenIds { get; init; } = [];
    /// <summary>Red notices: the warrants, by issuing country.</summary>
    public IReadOnlyList<PublicArrestWarrant> ArrestWarrants { get; init; } = [];
    /// <summary>The ids of its photos, the first being the thumbnail.</summary>
    public IReadOnlyList<string> PictureIds { get; init; } = [];

    // Yellow notices (missing persons)
    public string? BirthName { get; init; }
    public string? Place { get; init; }
    public PartialDate? DateOfEvent { get; init; }
    public string? FatherForename { get; init; }
    public string? MotherForename { get; init; }
    public string? MotherName { get; init; }
    public string? Country { get; init; }

    // UN special notices
    public string? NameInOriginalScript { get; init; }
    public string? ForenameInOriginalScript { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public string? UnReference { get; init; }
    public DateOnly? UnReferenceDate { get; init; }
    public string? Summary { get; init; }
}

/// <summary>What of a notice's content the public extract shows.</summary>
public static class PublicNoticeViews
{
    /// <summary>
    /// The public view of a notice <paramref name="requestedBy"/> asked for: the subject's particulars, the requesting country as
    /// the issuer of a red notice's warrant, a UN notice's sanctions reference. Attachments are references held by the requesting
    /// bureau, not pictures this node can serve: the view lists none.
    /// </summary>
    public static PublicNoticeView Of(NoticeId notice, BureauCode requestedBy, NoticeContent content)
    {
        var s = content.Subject;
        return new PublicNoticeView
        {
            EntityId = PublicEntityId.For(notice),
            Forename = s.Forename,
            Name = s.Name,
            DateOfBirth = s.DateOfBirth,
            Nationalities = s.Nationalities,
            SexId = s.Sex,
            PlaceOfBirth = s.PlaceOfBirth,
            DistinguishingMarks = s.Description,
            ArrestWarrants = content.Warrant is { } w ? [new PublicArrestWarrant(requestedBy.Value, w.Charge, null)] : [],
            NameInOriginalScript = s.OriginalScriptNames.FirstOrDefault(),
            Aliases = s.Aliases,
            UnReference = content.SanctionsReference,
            Summary = content.Type.Name == NoticeType.UnSpecial.Name ? content.Details : null,
        };
    }
}
