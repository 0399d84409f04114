using System.Collections.Frozen;

namespace ActorNet.Protocol.Notices;

/// <summary>
/// One of INTERPOL's notice types, with what a request of that type must carry. The requirements follow INTERPOL's public
/// descriptions of each notice (interpol.int, "About Notices"); docs/notices.md explains each choice.
/// </summary>
public sealed record NoticeType
{
    public static readonly NoticeType Red = new("red", "seek the location and arrest of a person wanted for prosecution or to serve a sentence",
        NoticeField.SubjectName, NoticeField.Offence, NoticeField.WarrantIssuedBy, NoticeField.WarrantDate, NoticeField.WarrantCharge);
    public static readonly NoticeType Yellow = new("yellow", "help locate a missing person, often a minor, or identify a person unable to identify themselves",
        NoticeField.SubjectName, NoticeField.Details);
    public static readonly NoticeType Blue = new("blue", "collect additional information about a person's identity, location or activities in relation to a crime",
        NoticeField.SubjectName, NoticeField.Offence, NoticeField.Details);
    public static readonly NoticeType Black = new("black", "seek information on unidentified bodies",
        NoticeField.SubjectDescription, NoticeField.Details);
    public static readonly NoticeType Green = new("green", "warn about a person's criminal activities where that person is a possible threat to public safety",
        NoticeField.SubjectName, NoticeField.Offence, NoticeField.Details);
    public static readonly NoticeType Orange = new("orange", "warn of an event, a person, an object or a process representing a serious and imminent threat",
        NoticeField.Details);
    public static readonly NoticeType Purple = new("purple", "seek or provide information on modi operandi, objects, devices and concealment methods used by criminals",
        NoticeField.Details);
    public static readonly NoticeType Silver = new("silver", "seek information to locate, identify, or trace criminal assets",
        NoticeField.SubjectName, NoticeField.Offence, NoticeField.Details);
    public static readonly NoticeType UnSpecial = new("un-special", "a person or entity subject to sanctions imposed by the United Nations Security Council",
        NoticeField.SubjectName, NoticeField.SanctionsReference);

    public static IReadOnlyList<NoticeType> All { get; } = [Red, Yellow, Blue, Black, Green, Orange, Purple, Silver, UnSpecial];

    private static readonly FrozenDictionary<string, NoticeType> ByName = All.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    private NoticeType(string name, string purpose, params string[] required)
    {
        Name = name;
        Purpose = purpose;
        Required = required;
    }

    /// <summary>The name on the API and the wire: <c>red</c>, <c>un-special</c>, ...</summary>
    public string Name { get; }

    public string Purpose { get; }

    /// <summary>The JSON paths a request of this type must fill, beyond the type itself.</summary>
    public IReadOnlyList<string> Required { get; }

    /// <summary>Notices about a person, whose identity particulars the compliance check looks at.</summary>
    public bool IsAboutPerson => Required.Contains(NoticeField.SubjectName);

    public static bool TryParse(string? name, out NoticeType? type) => ByName.TryGetValue((name ?? "").Trim().ToLowerInvariant(), out type);

    /// <exception cref="ArgumentException">Not a notice type.</exception>
    public static NoticeType Parse(string name) => TryParse(name, out var type) ? type! : throw new ArgumentException(Explain(name), nameof(name));

    public static string Explain(string? name) => $"'{name}' is not a notice type: use one of {string.Join(", ", All.Select(t => t.Name))}";

    public override string ToString() => Name;
}

/// <summary>The JSON paths of a notice request, as validation names them.</summary>
public static class NoticeField
{
    public const string Type = "type";
    public const string SubjectName = "subject.name";
    public const string SubjectForename = "subject.forename";
    public const string SubjectDescription = "subject.description";
    public const string DateOfBirth = "subject.dateOfBirth";
    public const string Sex = "subject.sex";
    public const string Nationalities = "subject.nationalities";
    public const string Offence = "offence";
    public const string WarrantIssuedBy = "warrant.issuedBy";
    public const string WarrantDate = "warrant.date";
    public const string WarrantCharge = "warrant.charge";
    public const string WarrantExpiresOn = "warrant.expiresOn";
    public const string Details = "details";
    public const string SanctionsReference = "sanctionsReference";
    public const string RestrictedFrom = "restrictedFrom";
    public const string To = "to";
}
