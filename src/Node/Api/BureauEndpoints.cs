using ActorNet.Actors.Hosting;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Bureaus;
using ActorNet.Protocol.Directory;
using Akka.Actor;
using Akka.Hosting;

namespace ActorNet.Node.Api;

/// <summary>The directory of bureaus (this node's copy) and this node's own bureau.</summary>
public static class BureauEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public static void MapBureauEndpoints(this IEndpointRouteBuilder app, BureauCode bureau)
    {
        app.MapGet("/api/bureaus", async (IRequiredActor<DirectoryReplicaKey> replica, CancellationToken ct) =>
        {
            var view = await replica.ActorRef.Ask<DirectoryQueries.DirectoryView>(DirectoryQueries.GetDirectory.Instance, AskTimeout, ct);
            var now = DateTimeOffset.UtcNow;
            return view.Entries.Select(e => new BureauInfo(e.Bureau.Value, e.Online, e.Fingerprint, e.EnrolledAt, e.Online ? now : e.LastSeen)).ToArray();
        }).RequireAuthorization();

        // Straight from the Secretariat's directory (a singleton on the GS nodes), not this node's copy: 503 while GS is unreachable.
        app.MapGet("/api/directory", async (IRequiredActor<DirectoryKey> directory, CancellationToken ct) =>
        {
            var view = await directory.ActorRef.Ask<DirectoryQueries.DirectoryView>(DirectoryQueries.GetDirectory.Instance, AskTimeout, ct);
            return view.Entries.Select(e => new BureauInfo(e.Bureau.Value, e.Online, e.Fingerprint, e.EnrolledAt, e.LastSeen)).ToArray();
        }).RequireAuthorization();

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
    }

    private static BureauProfileInfo ToInfo(BureauQueries.Profile p) =>
        new(p.Bureau.Value, p.EstablishedAt, p.DisplayName, p.ContactEmail, p.NodeStarts, p.LastNodeStartAt);
}
