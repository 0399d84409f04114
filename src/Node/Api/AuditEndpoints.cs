using ActorNet.Actors.Hosting;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Audit;
using Akka.Actor;
using Akka.Hosting;

namespace ActorNet.Node.Api;

/// <summary>The node's hash-chained audit log: read it page by page, and verify it against the database.</summary>
public static class AuditEndpoints
{
    public static void MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/audit").RequireAuthorization(p => p.RequireRole(Roles.Admin));

        admin.MapGet("", async (long? after, int? limit, IRequiredActor<AuditKey> audit, CancellationToken ct) =>
        {
            if (after is < 0)
                return Problems.Result(400, "\"after\" must be an entry sequence number, 0 or more");
            if (limit is < 1 or > 1000)
                return Problems.Result(400, "\"limit\" must be between 1 and 1000");
            var page = await audit.ActorRef.Ask<AuditQueries.Entries>(new AuditQueries.GetEntries(after ?? 0, limit ?? 100), TimeSpan.FromSeconds(5), ct);
            return Results.Ok(page.Items);
        });

        admin.MapGet("/verify", async (IRequiredActor<AuditKey> audit, CancellationToken ct) =>
            Results.Ok(await audit.ActorRef.Ask<AuditQueries.Verification>(new AuditQueries.Verify(), TimeSpan.FromSeconds(60), ct)));
    }
}
