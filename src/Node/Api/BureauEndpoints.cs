using System.Security.Claims;
using ActorNet.Actors.Bureaus;
using ActorNet.Actors.Hosting;
using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Bureaus;
using ActorNet.Protocol.Directory;
using Akka.Actor;
using Akka.Hosting;

namespace ActorNet.Node.Api;

/// <summary>The directory of bureaus (this node's copy), approving bureaus (GS), and this node's own bureau and keys.</summary>
public static class BureauEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public static void MapBureauEndpoints(this IEndpointRouteBuilder app, BureauCode bureau)
    {
        app.MapGet("/api/bureaus", async (IRequiredActor<DirectoryReplicaKey> replica, CancellationToken ct) =>
        {
            var view = await replica.ActorRef.Ask<DirectoryQueries.DirectoryView>(DirectoryQueries.GetDirectory.Instance, AskTimeout, ct);
            var now = DateTimeOffset.UtcNow;
            return view.Entries.Select(e => ToInfo(e, e.Online ? now : e.LastSeen)).ToArray();
        }).RequireAuthorization();

        // Straight from the Secretariat's directory (a singleton on the GS nodes), not this node's copy: 503 while GS is unreachable.
        app.MapGet("/api/directory", async (IRequiredActor<DirectoryKey> directory, CancellationToken ct) =>
        {
            var view = await directory.ActorRef.Ask<DirectoryQueries.DirectoryView>(DirectoryQueries.GetDirectory.Instance, AskTimeout, ct);
            return view.Entries.Select(e => ToInfo(e, e.LastSeen)).ToArray();
        }).RequireAuthorization();

        // Idempotent: approving an approved bureau answers 200 with alreadyApproved, so an operator's script may simply retry.
        app.MapPost("/api/bureaus/{code}/approve", async (string code, ClaimsPrincipal user, IRequiredActor<DirectoryKey> directory, CancellationToken ct) =>
        {
            if (!bureau.IsSecretariat)
                return Problems.Result(400, $"Bureaus are approved on a GS node, and this node is {bureau}'s: send this to a GS node (actornet --node <GS node URL> bureau approve {code})");
            if (!BureauCode.TryParse(code, out var target))
                return Problems.Result(400, BureauCode.Explain(code));
            var by = user.Identity?.Name ?? "admin";
            return await directory.ActorRef.Ask<object>(new DirectoryCommands.Approve(target!, by), AskTimeout, ct) switch
            {
                DirectoryCommands.Approved a => Results.Ok(new BureauApproval(a.Bureau.Value, DirectoryEntry.Approved, a.ApprovedAt, a.AlreadyApproved, a.Fingerprint)),
                DirectoryCommands.ApprovalRefused { Unknown: true } r => Problems.Result(404, r.Reason),
                DirectoryCommands.ApprovalRefused r => Problems.Result(409, r.Reason),
                var other => throw new InvalidOperationException($"the directory answered an approval with {other.GetType().Name}"),
            };
        }).RequireAuthorization(p => p.RequireRole(Roles.Admin));

        app.MapGet("/api/bureau", async (IRequiredActor<BureauKey> actor, CancellationToken ct) =>
            ToInfo(await actor.ActorRef.Ask<BureauQueries.Profile>(new BureauQueries.GetProfile(bureau), AskTimeout, ct)))
            .RequireAuthorization();

        app.MapPut("/api/bureau/settings", async (BureauSettingsRequest request, IRequiredActor<BureauKey> actor, CancellationToken ct) =>
        {
            if (request.DisplayName is { Length: > 200 })
                return Problems.Result(400, "\"displayName\" is longer than 200 characters: shorten it");
            if (request.ContactEmail is { } email && (email.Length > 254 || !email.Contains('@') || email.Any(char.IsWhiteSpace)))
                return Problems.Result(400, $"\"contactEmail\" '{email}' is not an e-mail address");
            var profile = await actor.ActorRef.Ask<BureauQueries.Profile>(
                new BureauCommands.ChangeSettings(bureau, request.DisplayName, request.ContactEmail), AskTimeout, ct);
            return Results.Ok(ToInfo(profile));
        }).RequireAuthorization(p => p.RequireRole(Roles.Admin));

        // 200 once the Secretariat's directory lists the new keys; 202 when GS has not answered in time (the node keeps enrolling them).
        app.MapPost("/api/bureau/rotate-keys", async (ClaimsPrincipal user, BureauCrypto crypto, IRequiredActor<EnrolmentKey> enrolment, CancellationToken ct) =>
        {
            if (bureau.IsSecretariat)
                return Problems.Result(400, "GS nodes do not rotate keys with rotate-keys: each GS node has its own keys and certificate; run it on a bureau's node");
            var before = crypto.PublicKeys;
            try
            {
                return await enrolment.ActorRef.Ask<object>(new EnrolmentCommands.RotateKeys(user.Identity?.Name ?? "admin"), KeyRotationInfo.ListingWait, ct) switch
                {
                    EnrolmentCommands.KeysRotated r => Results.Ok(new KeyRotationInfo(bureau.Value, r.Current.Version, r.Current.Fingerprint, r.Previous.Version, r.Previous.Fingerprint, true)),
                    EnrolmentCommands.RotationRefused { Rotated: true } r => Problems.Result(502, r.Reason),
                    EnrolmentCommands.RotationRefused r => Problems.Result(409, r.Reason),
                    var other => throw new InvalidOperationException($"the enrolment actor answered a rotation with {other.GetType().Name}"),
                };
            }
            catch (AskTimeoutException) when (crypto.Keys.Version > before.Version)
            {
                var now = crypto.PublicKeys;
                return Results.Accepted("/api/bureaus", new KeyRotationInfo(bureau.Value, now.Version, now.Fingerprint, before.Version, before.Fingerprint, false));
            }
        }).RequireAuthorization(p => p.RequireRole(Roles.Admin));
    }

    private static BureauInfo ToInfo(DirectoryEntry e, DateTimeOffset lastSeen) =>
        new(e.Bureau.Value, e.Online, e.Fingerprint, e.EnrolledAt, lastSeen, e.Status, e.LatestKeys?.Version, e.ApprovedAt);

    private static BureauProfileInfo ToInfo(BureauQueries.Profile p) =>
        new(p.Bureau.Value, p.EstablishedAt, p.DisplayName, p.ContactEmail, p.NodeStarts, p.LastNodeStartAt);
}
