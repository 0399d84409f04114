using System.Globalization;
using ActorNet.Protocol.Api;

namespace ActorNet.Protocol.Notices;

/// <summary>A field of a request that is missing or wrong, named by its JSON path.</summary>
public sealed record FieldProblem(string Field, string Message)
{
    public override string ToString() => $"\"{Field}\": {Message}";
}

/// <summary>A request that passed validation: its content, who may not see it, and (for a diffusion) who receives it.</summary>
public sealed record ValidatedNotice(NoticeContent Content, IReadOnlyList<BureauCode> RestrictedFrom, bool Public, IReadOnlyList<BureauCode> To);

/// <summary>
/// Checks a notice request and names every field that is missing or wrong, all at once, so that one correction fixes them.
/// What each type requires is <see cref="NoticeType.Required"/>.
/// </summary>
public static class NoticeValidator
{
    public const int MaxNameLength = 200;
    public const int MaxTextLength = 20_000;
    public const int MaxListLength = 50;

    public static (ValidatedNotice? Notice, IReadOnlyList<FieldProblem> Problems) Validate(NoticeRequest request, DateOnly today, bool diffusion = false)
    {
        var problems = new List<FieldProblem>();
        if (request.Type is null)
            problems.Add(new(NoticeField.Type, "missing: name the notice type, one of " + string.Join(", ", NoticeType.All.Select(t => t.Name))));
        else if (!NoticeType.TryParse(request.Type, out _))
            problems.Add(new(NoticeField.Type, NoticeType.Explain(request.Type)));
        NoticeType.TryParse(request.Type, out var type);

        var s = request.Subject ?? new NoticeSubjectBody();
        var name = Text(s.Name, NoticeField.SubjectName, MaxNameLength, problems);
        var forename = Text(s.Forename, NoticeField.SubjectForename, MaxNameLength, problems);
        var aliases = Names(s.Aliases, "subject.aliases", problems);
        var originals = Names(s.OriginalScriptNames, "subject.originalScriptNames", problems);
        var placeOfBirth = Text(s.PlaceOfBirth, "subject.placeOfBirth", MaxNameLength, problems);
        var description = Text(s.Description, NoticeField.SubjectDescription, MaxTextLength, problems);

        PartialDate? dateOfBirth = null;
        if (s.DateOfBirth is not null)
        {
            if (!PartialDate.TryParse(s.DateOfBirth, out dateOfBirth))
                problems.Add(new(NoticeField.DateOfBirth, $"'{s.DateOfBirth}' is not a date: write YYYY-MM-DD, or YYYY-MM or YYYY when only that much is known"));
            else if (dateOfBirth!.Earliest > today)
                problems.Add(new(NoticeField.DateOfBirth, $"{dateOfBirth} is in the future"));
        }

        string? sex = null;
        if (s.Sex is not null)
        {
            sex = s.Sex.Trim().ToUpperInvariant();
            if (sex is not ("M" or "F" or "U"))
                problems.Add(new(NoticeField.Sex, $"'{s.Sex}' is not a sex: write M, F or U (unknown)"));
        }

        var nationalities = new List<string>();
        foreach (var code in s.Nationalities ?? [])
        {
            if (!BureauCode.IsCountryCode(code))
                problems.Add(new(NoticeField.Nationalities, $"'{code}' is not an ISO 3166-1 alpha-2 country code such as FR"));
            else if (!nationalities.Contains(code.Trim().ToUpperInvariant()))
                nationalities.Add(code.Trim().ToUpperInvariant());
        }

        var offence = Text(request.Offence, NoticeField.Offence, MaxTextLength, problems);
        var details = Text(request.Details, NoticeField.Details, MaxTextLength, problems);
        var sanctions = Text(request.SanctionsReference, NoticeField.SanctionsReference, MaxNameLength, problems);
        var attachments = Names(request.Attachments, "attachments", problems);
        var warrant = WarrantOf(request.Warrant, today, problems);

        if (type is not null)
        {
            var filled = new Dictionary<string, bool>
            {
                [NoticeField.SubjectName] = name is not null,
                [NoticeField.SubjectDescription] = description is not null,
                [NoticeField.Offence] = offence is not null,
                [NoticeField.Details] = details is not null,
                [NoticeField.SanctionsReference] = sanctions is not null,
                [NoticeField.WarrantIssuedBy] = !string.IsNullOrWhiteSpace(request.Warrant?.IssuedBy),
                [NoticeField.WarrantDate] = !string.IsNullOrWhiteSpace(request.Warrant?.Date),
                [NoticeField.WarrantCharge] = !string.IsNullOrWhiteSpace(request.Warrant?.Charge),
            };
            foreach (var field in type.Required.Where(f => !filled[f]))
                problems.Add(new(field, $"missing: a {type.Name} notice requires it"));
        }

        var restricted = Bureaus(request.RestrictedFrom, NoticeField.RestrictedFrom, problems);
        if (restricted.Any(b => b.IsSecretariat))
            problems.Add(new(NoticeField.RestrictedFrom, "GS reviews every notice and cannot be restricted from one"));
        var to = Bureaus(request.To, NoticeField.To, problems);
        if (diffusion && to.Count == 0)
            problems.Add(new(NoticeField.To, "missing: a diffusion names the bureaus it goes to, for example [\"US\",\"ES\"]"));
        if (!diffusion && request.To is { Count: > 0 })
            problems.Add(new(NoticeField.To, "a notice goes to every bureau but those in restrictedFrom: send a diffusion (POST /api/diffusions) to name recipients"));
        if (restricted.Intersect(to).FirstOrDefault() is { } both)
            problems.Add(new(NoticeField.RestrictedFrom, $"{both} is both a recipient and restricted"));

        if (problems.Count > 0)
            return (null, problems);
        var subject = new SubjectParticulars(name, forename, aliases, originals, dateOfBirth, sex, nationalities, placeOfBirth, description);
        return (new ValidatedNotice(new NoticeContent(type!, subject, offence, warrant, details, sanctions, attachments), restricted, request.Public ?? false, to), problems);
    }

    private static Warrant? WarrantOf(WarrantBody? body, DateOnly today, List<FieldProblem> problems)
    {
        if (body is null)
            return null;
        var issuedBy = Text(body.IssuedBy, NoticeField.WarrantIssuedBy, MaxNameLength, problems);
        var charge = Text(body.Charge, NoticeField.WarrantCharge, MaxTextLength, problems);
        var date = Day(body.Date, NoticeField.WarrantDate, problems);
        var expires = Day(body.ExpiresOn, NoticeField.WarrantExpiresOn, problems);
        if (date is { } d && d > today)
            problems.Add(new(NoticeField.WarrantDate, $"{d:yyyy-MM-dd} is in the future: a warrant is dated the day it was issued"));
        if (date is { } from && expires is { } until && until < from)
            problems.Add(new(NoticeField.WarrantExpiresOn, "the warrant expires before it was issued"));
        return issuedBy is null || charge is null || date is null ? null : new Warrant(issuedBy, date.Value, charge, expires);
    }

    private static DateOnly? Day(string? text, string field, List<FieldProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return day;
        problems.Add(new(field, $"'{text}' is not a date: write YYYY-MM-DD"));
        return null;
    }

    private static string? Text(string? value, string field, int max, List<FieldProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var trimmed = value.Trim();
        if (trimmed.Length > max)
            problems.Add(new(field, $"longer than {max} characters: shorten it"));
        else if (trimmed.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            problems.Add(new(field, "holds control characters: remove them"));
        return trimmed;
    }

    private static IReadOnlyList<string> Names(IReadOnlyList<string>? values, string field, List<FieldProblem> problems)
    {
        if (values is null)
            return [];
        if (values.Count > MaxListLength)
            problems.Add(new(field, $"more than {MaxListLength} entries"));
        return values.Select((v, i) => Text(v, $"{field}[{i}]", MaxNameLength, problems)).OfType<string>().Distinct().ToArray();
    }

    private static IReadOnlyList<BureauCode> Bureaus(IReadOnlyList<string>? codes, string field, List<FieldProblem> problems)
    {
        var bureaus = new List<BureauCode>();
        foreach (var code in codes ?? [])
        {
            if (!BureauCode.TryParse(code, out var bureau))
                problems.Add(new(field, BureauCode.Explain(code)));
            else if (!bureaus.Contains(bureau!))
                bureaus.Add(bureau!);
        }
        return bureaus;
    }
}
