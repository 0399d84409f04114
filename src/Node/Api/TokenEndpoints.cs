using ActorNet.Node.Security;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;

namespace ActorNet.Node.Api;

public static class TokenEndpoints
{
    public static void MapTokenEndpoints(this IEndpointRouteBuilder app, BureauCode bureau)
    {
        app.MapPost("/api/tokens", (TokenRequest request, TokenStore tokens) =>
        {
            if (request.Role is null || !Roles.All.Contains(request.Role))
                return Problems.Result(400, $"\"role\" must be one of {string.Join(", ", Roles.All)}");
            if (request.Role == Roles.Reviewer && !bureau.IsSecretariat)
                return Problems.Result(400, "reviewer tokens exist only on GS nodes: create it on a node run with --bureau GS");
            var created = tokens.Create(request.Role);
            return Results.Created($"/api/tokens/{created.Id}", created);
        }).RequireAuthorization(p => p.RequireRole(Roles.Admin));
    }
}
