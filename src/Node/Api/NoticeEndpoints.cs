using System.Security.Claims;
using ActorNet.Actors.Hosting;
using ActorNet.Actors.Notices;
using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Notices.PublicExtract;
using ActorNet.Protocol.Notices.Search;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Hosting;

namespace ActorNet.Node.Api;

/// <summary>
/// Notices and diffusions. A bureau's requests, updates and cancellations go sealed to GS through the bureau's outbox; GS reviews
/// and publishes through its own; every node answers from its own sealed copies, opened here for this bureau's reader.
/// </summary>
public static class NoticeEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public static void MapNoticeEndpoints(this IEndpointRouteBuilder app, BureauCode bureau)
    {
        var api = app.MapGroup("/api/notices");

        api.MapPost("", (NoticeRequest request, NoticeSide side, CancellationToken ct) => side.RequestAsync(request, diffusion: false, ct))
            .RequireAuthorization(p => p.RequireRole(Roles.Officer));
        app.MapPost("/api/diffusions", (NoticeRequest request, NoticeSide side, CancellationToken ct) => side.RequestAsync(request, diffusion: true, ct))
            .RequireAuthorization(p => p.RequireRole(Roles.Officer));

        api.MapGet("", async (string? type, string? state, string? q, string? nationality, string? dateOfBirth, string? sex, int? limit, int? page,
            HttpResponse response, NoticeSide side, CancellationToken ct) =>
        {
            if (type is not null && !NoticeType.TryParse(type, out _))
                return Problems.Result(400, $"\"type\": {NoticeType.Explain(type)}");
            if (state is not null && !NoticeStates.All.Contains(state))
                return Problems.Result(400, $"\"state\": '{state}' is not a notice state: use one of {string.Join(", ", NoticeStates.All)}");
            if (nationality is not null && !BureauCode.IsCountryCode(nationality))
                return Problems.Result(400, $"\"nationality\": '{nationality}' is not an ISO 3166-1 alpha-2 country code such as FR");
            PartialDate? born = null;
            if (dateOfBirth is not null && !PartialDate.TryParseQuery(dateOfBirth, out born, out var dateProblem))
                return Problems.Result(400, $"\"dateOfBirth\": {dateProblem} (1980/04 works too)");
            if (sex is not null && sex.Trim().ToUpperInvariant() is not ("M" or "F" or "U"))
                return Problems.Result(400, $"\"sex\": '{sex}' is not a sex: write M, F or U");
            if (limit is < 1 or > NoticeCopiesActor.MaxPage)
                return Problems.Result(400, $"\"limit\" must be between 1 and {NoticeCopiesActor.MaxPage}");
            if (page is < 1)
                return Problems.Result(400, "\"page\" counts from 1");
            if (q?.Length > 200)
                return Problems.Result(400, "\"q\" is longer than 200 characters: search by fewer words");
            var search = new NoticeSearchQuery
            {
                Text = q, Type = type is null ? null : NoticeType.Parse(type).Name, State = state, Nationality = nationality?.Trim().ToUpperInvariant(),
                Sex = sex?.Trim().ToUpperInvariant(), BornFrom = born?.Earliest, BornTo = born?.Latest, Page = page ?? 1, PageSize = limit ?? 100,
            };
            var found = await side.Copies.Ask<NoticeCopyQueries.Found>(new NoticeCopyQueries.Search(bureau, search), AskTimeout, ct);
            // The body stays the array it always was; the header says how many pages there are.
            response.Headers["X-Total-Count"] = found.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Ok(found.Entries.Select(side.Summary).OfType<NoticeSummaryInfo>().ToArray());
        }).RequireAuthorization(p => p.RequireRole(Roles.Officer));

        api.MapGet("/{id}", async (string id, NoticeSide side, CancellationToken ct) =>
        {
            var (entry, problem) = await side.CopyAsync(id, ct);
            if (problem is not null)
                return problem;
            var info = side.Details(entry!);
            if (info is null)
                return Problems.Result(409, $"Notice {id} does not open on this node any more: its keys changed; see the node's log");
            if (bureau.IsSecretariat && await side.Region!.Ask<object>(new NoticeQueries.Get(entry!.NoticeId), AskTimeout, ct) is NoticeQueries.Record record)
                info = info with
                {
                    State = record.State,
                    Findings = record.Findings.Select(ToInfo).ToArray(),
                    History = record.History.Select(s => new NoticeHistoryInfo(s.What, s.By, s.Reason, s.At)).ToArray(),
                };
            return Results.Ok(info);
        }).RequireAuthorization(p => p.RequireRole(Roles.Officer));

        api.MapPost("/{id}/review", async (string id, ReviewRequest request, ClaimsPrincipal user, NoticeSide side, CancellationToken ct) =>
        {
            if (!bureau.IsSecretariat)
                return Problems.Result(400, $"Notices are reviewed by the General Secretariat, and this node is {bureau}'s: send the review to a GS node");
            if (request.Decision is not ("approve" or "reject"))
                return Problems.Result(400, $"\"decision\": '{request.Decision}' is not a decision: write approve or reject");
            if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 2000)
                return Problems.Result(400, "\"reason\": give the reason for the decision, up to 2000 characters");
            if (!NoticeId.TryParse(id, out var noticeId))
                return Problems.Result(404, $"No notice {id}: {id} is not a notice id");
            var reviewer = user.Identity?.Name ?? "reviewer";
            return Answer(await side.Region!.Ask<object>(new NoticeCommands.Review(noticeId!, request.Decision == "approve", reviewer, request.Reason.Trim()), AskTimeout, ct));
        }).RequireAuthorization(p => p.RequireRole(Roles.Reviewer));

        api.MapPost("/{id}/cancel", async (string id, CancelRequest? request, NoticeSide side, CancellationToken ct) =>
        {
            var reason = string.IsNullOrWhiteSpace(request?.Reason) ? $"cancelled by {bureau}" : request.Reason.Trim();
            if (reason.Length > 2000)
                return Problems.Result(400, "\"reason\" is longer than 2000 characters");
            if (bureau.IsSecretariat)
                return NoticeId.TryParse(id, out var noticeId)
                    ? Answer(await side.Region!.Ask<object>(new NoticeCommands.Cancel(noticeId!, bureau.Value, reason), AskTimeout, ct))
                    : Problems.Result(404, $"No notice {id}: {id} is not a notice id");
            return await side.ChangeOwnAsync(id, null, reason, ct);
        }).RequireAuthorization(p => p.RequireRole(Roles.Officer));

        // New particulars from the requesting bureau: the same body as the request; GS re-checks them and passes them on.
        api.MapPut("/{id}", async (string id, NoticeRequest request, NoticeSide side, CancellationToken ct) =>
            bureau.IsSecretariat
                ? Problems.Result(400, "A notice is updated by the bureau that requested it: send the update from its node")
                : await side.ChangeOwnAsync(id, request, null, ct))
            .RequireAuthorization(p => p.RequireRole(Roles.Officer));
    }

    private static IResult Answer(object reply) => reply switch
    {
        NoticeCommands.Done d => Results.Ok(new NoticeDecision(d.NoticeId.Value, d.State)),
        NoticeCommands.Refused r => Problems.Result(r.Status, r.Reason),
        _ => throw new InvalidOperationException($"the notice answered with {reply.GetType().Name}"),
    };

    internal static ComplianceFindingInfo ToInfo(ComplianceFinding f) => new(f.Code, f.Field, f.Detail);
}

/// <summary>What the notice endpoints work with on this node: its bureau, keys, outbox, copies and (on GS) the Notice actors.</summary>
public sealed class NoticeSide(BureauCode bureau, BureauCrypto crypto, ActorRegistry registry)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public IActorRef Copies => registry.Get<NoticeCopiesKey>();

    public IActorRef? Region => bureau.IsSecretariat ? registry.Get<NoticeRegionKey>() : null;

    private IActorRef Outbox => registry.Get<OutboxKey>();

    /// <summary>A notice request or a diffusion from this bureau: sealed for GS (and the diffusion's recipients) and for this bureau itself.</summary>
    public async Task<IResult> RequestAsync(NoticeRequest request, bool diffusion, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var (notice, problems) = NoticeValidator.Validate(request, DateOnly.FromDateTime(now.UtcDateTime), diffusion);
        if (notice is null)
            return Invalid(problems);
        if (crypto.Directory.Latest(BureauCode.Secretariat) is null)
            return Problems.Result(503, "This node does not know the Secretariat's keys yet: retry once GET /api/bureaus lists GS with a fingerprint");
        foreach (var recipient in notice.To.Where(r => crypto.Directory.Latest(r) is null))
            return Problems.Result(400, $"\"to\": {crypto.Directory.WhyUnusable(recipient)}");

        var id = NoticeId.New();
        var findings = ComplianceCheck.Run(notice.Content, DateOnly.FromDateTime(now.UtcDateTime));
        var (operation, kind, state) = diffusion
            ? (NoticeDocument.Diffusion, NoticeKinds.Diffusion, NoticeStates.Circulated)
            : (NoticeDocument.Request, NoticeKinds.Notice, NoticeStates.PendingReview);
        var document = new NoticeDocument(operation, id, kind, bureau, state, null, notice.Content, notice.RestrictedFrom, notice.Public, notice.To, findings, now);
        await SendAsync(document, notice.To, ct);
        return Results.Accepted($"/api/notices/{id}", new NoticeAccepted(id.Value, state, findings.Select(NoticeEndpoints.ToInfo).ToArray()));
    }

    /// <summary>This bureau cancels (<paramref name="update"/> null) or updates a notice it requested: GS passes the change on.</summary>
    public async Task<IResult> ChangeOwnAsync(string id, NoticeRequest? update, string? reason, CancellationToken ct)
    {
        var (entry, problem) = await CopyAsync(id, ct);
        if (problem is not null)
            return problem;
        if (entry!.RequestedBy != bureau)
            return Problems.Result(403, $"Only the requesting bureau ({entry.RequestedBy}) or GS may change notice {id}; this node is {bureau}'s");
        if (entry.State is NoticeStates.Cancelled or NoticeStates.Rejected or NoticeStates.Withdrawn)
            return Problems.Result(409, $"Notice {id} is already {entry.State}");
        var now = DateTimeOffset.UtcNow;
        NoticeDocument document;
        if (update is null)
            document = new NoticeDocument(NoticeDocument.StateChange, entry.NoticeId, entry.Kind, bureau, NoticeStates.Cancelled, reason, null, [], false, [], [], now);
        else
        {
            var (notice, problems) = NoticeValidator.Validate(update with { To = null }, DateOnly.FromDateTime(now.UtcDateTime));
            if (notice is null)
                return Invalid(problems);
            if (notice.Content.Type.Name != entry.Type)
                return Problems.Result(400, $"\"type\": notice {id} is {entry.Type}; an update keeps the type (cancel it and request another)");
            document = new NoticeDocument(NoticeDocument.Update, entry.NoticeId, entry.Kind, bureau, entry.State, null, notice.Content, [], false, [],
                ComplianceCheck.Run(notice.Content, DateOnly.FromDateTime(now.UtcDateTime)), now);
        }
        if (crypto.Directory.Latest(BureauCode.Secretariat) is null)
            return Problems.Result(503, "This node does not know the Secretariat's keys yet: retry once GET /api/bureaus lists GS with a fingerprint");
        await SendAsync(document, [], ct);
        return Results.Ok(new NoticeDecision(entry.NoticeId.Value, update is null ? NoticeStates.Cancelled : entry.State));
    }

    /// <summary>This bureau's copy of a notice, or the problem to answer: 404 unknown, 410 withdrawn.</summary>
    public async Task<(NoticeCopyQueries.Entry? Entry, IResult? Problem)> CopyAsync(string id, CancellationToken ct)
    {
        if (!NoticeId.TryParse(id, out var noticeId))
            return (null, Problems.Result(404, $"No notice {id}: {id} is not a notice id"));
        var found = await Copies.Ask<NoticeCopyQueries.Found>(new NoticeCopyQueries.Get(bureau, noticeId!), AskTimeout, ct);
        if (found.Withdrawn)
            return (null, Problems.Result(410, $"Diffusion {id} was withdrawn by the General Secretariat"));
        return found.Entries.Count == 0 ? (null, Problems.Result(404, $"No notice {id} is known to this bureau")) : (found.Entries[0], null);
    }

    /// <summary>A list's line about a copy: from the summary the copies keep once its content opened, else opened here.</summary>
    public NoticeSummaryInfo? Summary(NoticeCopyQueries.Entry entry)
    {
        var summary = entry.Summary ?? (Open(entry)?.Content?.Subject is { } s ? new NoticeCopyQueries.Summary(s.Name, s.Forename, s.DateOfBirth, s.Nationalities) : null);
        return new NoticeSummaryInfo(entry.NoticeId.Value, entry.Kind, entry.Type, entry.State, entry.RequestedBy.Value, summary?.Name, summary?.Forename,
            summary?.DateOfBirth?.ToString(), summary?.Nationalities ?? [], entry.UpdatedAt);
    }

    /// <summary>What the public extract's list shows of a copy (names, date of birth, nationalities); the full view when only that is at hand.</summary>
    public PublicNoticeView? PublicListView(NoticeCopyQueries.Entry entry) => entry.Summary is { } s
        ? new PublicNoticeView { EntityId = PublicEntityId.For(entry.NoticeId), Forename = s.Forename, Name = s.Name, DateOfBirth = s.DateOfBirth, Nationalities = s.Nationalities }
        : PublicView(entry);

    public NoticeInfo? Details(NoticeCopyQueries.Entry entry)
    {
        if (Open(entry) is not { Content: { } c } document)
            return null;
        var s = c.Subject;
        var subject = new NoticeSubjectBody(s.Name, s.Forename, s.Aliases, s.OriginalScriptNames, s.DateOfBirth?.ToString(), s.Sex, s.Nationalities, s.PlaceOfBirth, s.Description);
        var warrant = c.Warrant is { } w ? new WarrantBody(w.IssuedBy, w.Date.ToString("yyyy-MM-dd"), w.Charge, w.ExpiresOn?.ToString("yyyy-MM-dd")) : null;
        return new NoticeInfo(entry.NoticeId.Value, entry.Kind, entry.Type, entry.State, entry.RequestedBy.Value, subject, c.Offence, warrant, c.Details,
            c.SanctionsReference, c.Attachments, document.RestrictedFrom.Select(b => b.Value).ToArray(), document.Public, document.To.Select(b => b.Value).ToArray(),
            entry.Reason, entry.UpdatedAt, document.Findings.Count > 0 ? document.Findings.Select(NoticeEndpoints.ToInfo).ToArray() : null);
    }

    /// <summary>What the public extract shows of a copy; null when it does not open here.</summary>
    public PublicNoticeView? PublicView(NoticeCopyQueries.Entry entry) =>
        Open(entry)?.Content is { } content ? PublicNoticeViews.Of(entry.NoticeId, entry.RequestedBy, content) : null;

    private NoticeDocument? Open(NoticeCopyQueries.Entry entry) => NoticeSealing.Open(crypto.Opener, entry.Sealed)?.Document;

    /// <summary>
    /// Seals a document from this bureau for GS, the <paramref name="to"/> bureaus and itself, hands it to this bureau's outbox for the
    /// others (202 only once the outbox has persisted it), and keeps this bureau's own copy; on GS, the Notice actor keeps it.
    /// </summary>
    private async Task SendAsync(NoticeDocument document, IReadOnlyList<BureauCode> to, CancellationToken ct)
    {
        var now = document.At;
        var readers = new[] { BureauCode.Secretariat, bureau }.Concat(to).Distinct().ToArray();
        var envelopeId = NoticeEnvelopes.NewIdFor(document.NoticeId, document.Operation);
        var sealedBytes = crypto.Sealer.Seal(crypto.Sealer.Header(envelopeId, readers, now, HandlingCode.H0), NoticeSealing.ToPayload(document)).ToBytes();
        var others = readers.Where(r => r != bureau).ToArray();
        if (others.Length > 0)
            await Outbox.Ask<OutboxCommands.Posted>(new OutboxCommands.Post(bureau, envelopeId, others, sealedBytes), AskTimeout, ct);
        var own = new InboxEvents.Received(bureau, 0, envelopeId, sealedBytes, now);
        (Region ?? Copies).Tell(own);
    }

    private static IResult Invalid(IReadOnlyList<FieldProblem> problems) =>
        Problems.Result(400, $"The request has {problems.Count} problem{(problems.Count == 1 ? "" : "s")}: fix {string.Join("; ", problems)}",
            string.Join("\n", problems));
}
