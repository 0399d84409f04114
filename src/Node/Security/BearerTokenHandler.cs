using System.Security.Claims;
using System.Text.Encodings.Web;
using ActorNet.Protocol.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ActorNet.Node.Security;

/// <summary>Authenticates <c>Authorization: Bearer &lt;token&gt;</c> against the token store; admin holds every role.</summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenStore tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
            return Task.FromResult(AuthenticateResult.NoResult());
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(AuthenticateResult.Fail("Authorization is not a bearer token"));
        var role = tokens.RoleOf(header["Bearer ".Length..].Trim(), out var tokenId);
        if (role is null)
            return Task.FromResult(AuthenticateResult.Fail("unknown token"));

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(Principals.GetOrAdd((tokenId!, role), Principal), SchemeName)));
    }

    // One principal per token and role, made once: the store is asked on every request, so a revoked token is refused at once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string TokenId, string Role), ClaimsPrincipal> Principals = new();

    private static ClaimsPrincipal Principal((string TokenId, string Role) token)
    {
        var roles = token.Role == Roles.Admin ? Roles.All : [token.Role];
        var claims = roles.Select(r => new Claim(ClaimTypes.Role, r)).Append(new Claim(ClaimTypes.Name, token.TokenId));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var presented = Request.Headers.Authorization.Count > 0;
        return Problems.Write(Context, StatusCodes.Status401Unauthorized, presented
            ? "The bearer token is not known to this node: use a token that this node issued (actornet token create)"
            : "A bearer token is required: send Authorization: Bearer <token> (the admin token is in <data>/admin.token)");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Write(Context, StatusCodes.Status403Forbidden,
            "This token's role does not allow this call: use a token with the role the call needs");
}
