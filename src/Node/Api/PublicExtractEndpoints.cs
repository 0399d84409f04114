using ActorNet.Protocol;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Notices.PublicExtract;
using Akka.Actor;

namespace ActorNet.Node.Api;

/// <summary>
/// The public notice extract (interface §5): <c>/notices/v1/red</c>, <c>/yellow</c> and <c>/un/persons</c> in the shape of
/// INTERPOL's public notices web service, without a token, answered from this node's copies: only notices marked public and
/// published.
/// </summary>
public static class PublicExtractEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public static void MapPublicExtractEndpoints(this IEndpointRouteBuilder app, BureauCode bureau)
    {
        foreach (var kind in new[] { PublicNoticeKind.Red, PublicNoticeKind.Yellow, PublicNoticeKind.UnPersons })
        {
            var collection = app.MapGroup("/notices/v1/" + kind.Path).AllowAnonymous();
            collection.MapGet("", (HttpRequest request, NoticeSide side, CancellationToken ct) => ListAsync(kind, request, side, ct));
            collection.MapGet("/{noticeId}", async (string noticeId, HttpRequest request, NoticeSide side, CancellationToken ct) =>
                await FindAsync(kind, noticeId, side, ct) is { } view ? Results.Json(Detail(kind, Extract(request), view)) : NotFound(kind, noticeId));
            collection.MapGet("/{noticeId}/images", async (string noticeId, HttpRequest request, NoticeSide side, CancellationToken ct) =>
                await FindAsync(kind, noticeId, side, ct) is { } view ? Results.Json(Extract(request).Images(kind, view)) : NotFound(kind, noticeId));
        }

        async Task<IResult> ListAsync(PublicNoticeKind kind, HttpRequest request, NoticeSide side, CancellationToken ct)
        {
            var (query, problems) = PublicNoticeQuery.Parse(kind, request.Query.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value.ToString())));
            if (query is null)
                return Problems.Result(400, $"Bad query parameter{(problems.Count == 1 ? "" : "s")}: {string.Join("; ", problems.Select(p => p.Message))}",
                    string.Join("\n", problems.Select(p => $"{p.Parameter}: {p.Message}")));
            var search = query.ToSearch(DateOnly.FromDateTime(DateTime.UtcNow));
            var found = await side.Copies.Ask<NoticeCopyQueries.Found>(new NoticeCopyQueries.Search(bureau, search), AskTimeout, ct);
            var views = found.Entries.Select(side.PublicListView).OfType<PublicNoticeView>().ToArray();
            return Results.Json(Extract(request).List(query, found.Total, views));
        }

        async Task<PublicNoticeView?> FindAsync(PublicNoticeKind kind, string noticeId, NoticeSide side, CancellationToken ct)
        {
            if (!PublicEntityId.TryFromUrl(noticeId, out var entityId))
                return null;
            var found = await side.Copies.Ask<NoticeCopyQueries.Found>(new NoticeCopyQueries.GetPublic(bureau, entityId), AskTimeout, ct);
            return found.Entries is [var entry] && entry.Type == kind.NoticeType ? side.PublicView(entry) : null;
        }
    }

    private static object Detail(PublicNoticeKind kind, PublicExtract extract, PublicNoticeView view) =>
        kind == PublicNoticeKind.Red ? extract.Red(view) : kind == PublicNoticeKind.Yellow ? extract.Yellow(view) : extract.UnPerson(view);

    // Links name the node as the caller reached it.
    private static PublicExtract Extract(HttpRequest request) => new($"{request.Scheme}://{request.Host}");

    private static IResult NotFound(PublicNoticeKind kind, string noticeId) =>
        Problems.Result(404, $"No public {kind.NoticeType} notice {noticeId}: an entity id in a URL is YYYY-NNNNN, as the list's links give it");
}
