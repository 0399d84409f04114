using System.Globalization;
using ActorNet.Protocol.Notices;
using Google.Protobuf;
using P = ActorNet.Protocol.Serialization.Proto;

namespace ActorNet.Protocol.Serialization;

/// <summary>Notices' values to and from protobuf: shared by the wire format and the sealed notice documents.</summary>
internal static class NoticeProto
{
    public static P.NoticeContent ToProto(NoticeContent c)
    {
        var s = c.Subject;
        var subject = new P.NoticeSubject();
        if (s.Name is not null) subject.Name = s.Name;
        if (s.Forename is not null) subject.Forename = s.Forename;
        subject.Aliases.AddRange(s.Aliases);
        subject.OriginalScriptNames.AddRange(s.OriginalScriptNames);
        if (s.DateOfBirth is not null) subject.DateOfBirth = s.DateOfBirth.ToString();
        if (s.Sex is not null) subject.Sex = s.Sex;
        subject.Nationalities.AddRange(s.Nationalities);
        if (s.PlaceOfBirth is not null) subject.PlaceOfBirth = s.PlaceOfBirth;
        if (s.Description is not null) subject.Description = s.Description;
        var content = new P.NoticeContent { Type = c.Type.Name, Subject = subject };
        if (c.Offence is not null) content.Offence = c.Offence;
        if (c.Warrant is { } w)
        {
            content.Warrant = new P.NoticeWarrant { IssuedBy = w.IssuedBy, Date = Day(w.Date), Charge = w.Charge };
            if (w.ExpiresOn is { } e) content.Warrant.ExpiresOn = Day(e);
        }
        if (c.Details is not null) content.Details = c.Details;
        if (c.SanctionsReference is not null) content.SanctionsReference = c.SanctionsReference;
        content.Attachments.AddRange(c.Attachments);
        return content;
    }

    public static NoticeContent FromProto(P.NoticeContent p)
    {
        var s = p.Subject ?? new P.NoticeSubject();
        PartialDate? birth = null;
        if (s.HasDateOfBirth && !PartialDate.TryParse(s.DateOfBirth, out birth))
            throw new ArgumentException($"'{s.DateOfBirth}' is not a date of birth");
        var subject = new SubjectParticulars(s.HasName ? s.Name : null, s.HasForename ? s.Forename : null, s.Aliases.ToArray(), s.OriginalScriptNames.ToArray(),
            birth, s.HasSex ? s.Sex : null, s.Nationalities.ToArray(), s.HasPlaceOfBirth ? s.PlaceOfBirth : null, s.HasDescription ? s.Description : null);
        var warrant = p.Warrant is { } w ? new Warrant(w.IssuedBy, Day(w.Date), w.Charge, w.HasExpiresOn ? Day(w.ExpiresOn) : null) : null;
        return new NoticeContent(NoticeType.Parse(p.Type), subject, p.HasOffence ? p.Offence : null, warrant, p.HasDetails ? p.Details : null,
            p.HasSanctionsReference ? p.SanctionsReference : null, p.Attachments.ToArray());
    }

    public static P.ComplianceFinding ToProto(ComplianceFinding f) => new() { Code = f.Code, Field = f.Field, Detail = f.Detail };

    public static ComplianceFinding FromProto(P.ComplianceFinding p) => new(p.Code, p.Field, p.Detail);

    public static P.NoticeDocument ToProto(NoticeDocument d)
    {
        var p = new P.NoticeDocument
        {
            Operation = d.Operation, NoticeId = d.NoticeId.Value, Kind = d.Kind, RequestedBy = d.RequestedBy.Value, State = d.State,
            Public = d.Public, At = d.At.ToUnixTimeMilliseconds(),
        };
        if (d.Reason is not null) p.Reason = d.Reason;
        if (d.Content is not null) p.Content = ToProto(d.Content);
        p.RestrictedFrom.AddRange(d.RestrictedFrom.Select(b => b.Value));
        p.To.AddRange(d.To.Select(b => b.Value));
        p.Findings.AddRange(d.Findings.Select(ToProto));
        return p;
    }

    public static NoticeDocument FromProto(P.NoticeDocument p) =>
        new(p.Operation, new NoticeId(p.NoticeId), p.Kind, new BureauCode(p.RequestedBy), p.State, p.HasReason ? p.Reason : null,
            p.Content is null ? null : FromProto(p.Content), p.RestrictedFrom.Select(b => new BureauCode(b)).ToArray(), p.Public,
            p.To.Select(b => new BureauCode(b)).ToArray(), p.Findings.Select(FromProto).ToArray(), DateTimeOffset.FromUnixTimeMilliseconds(p.At));

    public static byte[] Encode(NoticeDocument d) => ToProto(d).ToByteArray();

    public static NoticeDocument Decode(ReadOnlySpan<byte> bytes) => FromProto(P.NoticeDocument.Parser.ParseFrom(bytes));

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly Day(string s) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : throw new ArgumentException($"'{s}' is not a day");
}
