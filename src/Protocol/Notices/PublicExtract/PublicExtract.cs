namespace ActorNet.Protocol.Notices.PublicExtract;

/// <summary>
/// Builds the public extract's answers from <see cref="PublicNoticeView"/>s, with links under
/// <paramref name="baseUrl"/> (the node's public URL, e.g. <c>https://fr.actornet.example</c>).
/// </summary>
public sealed class PublicExtract(string baseUrl)
{
    private readonly string _root = baseUrl.TrimEnd('/') + "/notices/v1/";

    /// <summary>A page of a list: <paramref name="total"/> notices match, <paramref name="page"/> holds this page's.</summary>
    public PublicNoticeList List(PublicNoticeQuery query, int total, IReadOnlyList<PublicNoticeView> page)
    {
        var collection = _root + query.Kind.Path;
        var last = Math.Max(1, (int)Math.Ceiling(total / (double)query.ResultPerPage));
        HalLink At(int number) => new($"{collection}?{query.QueryString(number)}");
        return new PublicNoticeList(
            total,
            query.Echo(),
            new PublicNoticeListEmbedded(page.Select(n => Summary(query.Kind, n)).ToList()),
            new PublicListLinks(At(query.Page), At(1), query.Page < last ? At(query.Page + 1) : null, At(last)));
    }

    public PublicNoticeSummary Summary(PublicNoticeKind kind, PublicNoticeView notice) =>
        new(notice.Forename, notice.DateOfBirth?.ToInterpolString(), notice.EntityId, notice.Nationalities, notice.Name, Links(kind, notice));

    public RedNoticeDetail Red(PublicNoticeView n) => new(
        n.ArrestWarrants, n.Weight, n.Forename, n.DateOfBirth?.ToInterpolString(), n.EntityId, n.LanguagesSpokenIds, n.Nationalities,
        n.Height, n.SexId, n.CountryOfBirthId, n.Name, n.DistinguishingMarks, n.EyesColorsId, n.HairsId, n.PlaceOfBirth,
        PublicDetailEmbedded.Empty, Links(PublicNoticeKind.Red, n));

    public YellowNoticeDetail Yellow(PublicNoticeView n) => new(
        n.Weight, n.BirthName, n.EntityId, n.Nationalities, n.Height, n.Name, n.EyesColorsId, n.Place, n.DateOfEvent?.ToInterpolString(),
        n.HairsId, n.FatherForename, n.MotherForename, n.Forename, n.DateOfBirth?.ToInterpolString(), n.LanguagesSpokenIds, n.Country,
        n.CountryOfBirthId, n.SexId, n.DistinguishingMarks, n.MotherName, n.PlaceOfBirth,
        PublicDetailEmbedded.Empty, Links(PublicNoticeKind.Yellow, n));

    public UnPersonDetail UnPerson(PublicNoticeView n) => new(
        n.EntityId, n.Name, n.Forename, n.NameInOriginalScript, n.ForenameInOriginalScript, n.Aliases, n.DateOfBirth?.ToInterpolString(),
        n.Nationalities, n.SexId, n.PlaceOfBirth, n.CountryOfBirthId, n.LanguagesSpokenIds, n.UnReference,
        n.UnReferenceDate?.ToString("yyyy/MM/dd", System.Globalization.CultureInfo.InvariantCulture), n.Summary,
        PublicDetailEmbedded.Empty, Links(PublicNoticeKind.UnPersons, n));

    public PublicNoticeImages Images(PublicNoticeKind kind, PublicNoticeView notice)
    {
        var self = NoticeUrl(kind, notice);
        return new PublicNoticeImages(
            new PublicImagesEmbedded(notice.PictureIds.Select(id => new PublicImage(id, new PublicImageLinks(new HalLink($"{self}/images/{id}")))).ToList()),
            new PublicImagesLinks(new HalLink($"{self}/images"), new HalLink(self), Thumbnail(self, notice)));
    }

    private PublicNoticeLinks Links(PublicNoticeKind kind, PublicNoticeView notice)
    {
        var self = NoticeUrl(kind, notice);
        return new PublicNoticeLinks(new HalLink(self), new HalLink($"{self}/images"), Thumbnail(self, notice));
    }

    private string NoticeUrl(PublicNoticeKind kind, PublicNoticeView notice) => $"{_root}{kind.Path}/{PublicEntityId.ToUrl(notice.EntityId)}";

    private static HalLink? Thumbnail(string self, PublicNoticeView notice) =>
        notice.PictureIds.Count > 0 ? new HalLink($"{self}/images/{notice.PictureIds[0]}") : null;
}
