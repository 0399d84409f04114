using System.Collections.Concurrent;
using System.Security.Claims;
using ActorNet.Protocol.Api;
using Microsoft.AspNetCore.Authentication;

namespace ActorNet.Node.Security;

/// <summary>Authenticates <c>Authorization: Bearer &lt;token&gt;</c> against the token store; admin holds every role.</summary>
/// <remarks>
/// A plain <see cref="IAuthenticationHandler"/>, made by the container for each request: the framework's
/// <c>AuthenticationHandler&lt;T&gt;</c> base was built by reflection on every request and set up options, events and
/// logging this scheme has none of, ~1.5 % of a sending node's CPU at 1,000 single sends a second (docs/benchmarks.md,
/// session 28). Authorization stays ASP.NET's.
/// </remarks>
public sealed class BearerTokenHandler(TokenStore tokens) : IAuthenticationHandler
{
    public const string SchemeName = "Bearer";

    // One principal per token and role, made once: the store is asked on every request, so a revoked token is refused at once.
    private static readonly ConcurrentDictionary<(string TokenId, string Role), ClaimsPrincipal> Principals = new();

    private HttpContext _context = null!;
    private AuthenticateResult? _result;

    public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
    {
        _context = context;
        return Task.CompletedTask;
    }

    // Asked by the authentication middleware, and again by anything that authenticates the same request: answered once.
    public Task<AuthenticateResult> AuthenticateAsync() => Task.FromResult(_result ??= Authenticate());

    private AuthenticateResult Authenticate()
    {
        var header = _context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
            return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("Authorization is not a bearer token");
        var role = tokens.RoleOf(header["Bearer ".Length..].Trim(), out var tokenId);
        if (role is null)
            return AuthenticateResult.Fail("unknown token");
        return AuthenticateResult.Success(new AuthenticationTicket(Principals.GetOrAdd((tokenId!, role), Principal), SchemeName));
    }

    private static ClaimsPrincipal Principal((string TokenId, string Role) token)
    {
        var roles = token.Role == Roles.Admin ? Roles.All : [token.Role];
        var claims = roles.Select(r => new Claim(ClaimTypes.Role, r)).Append(new Claim(ClaimTypes.Name, token.TokenId));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }

    public Task ChallengeAsync(AuthenticationProperties? properties)
    {
        _context.Response.Headers.WWWAuthenticate = "Bearer";
        var presented = _context.Request.Headers.Authorization.Count > 0;
        return Problems.Write(_context, StatusCodes.Status401Unauthorized, presented
            ? "The bearer token is not known to this node: use a token that this node issued (actornet token create)"
            : "A bearer token is required: send Authorization: Bearer <token> (the admin token is in <data>/admin.token)");
    }

    public Task ForbidAsync(AuthenticationProperties? properties) =>
        Problems.Write(_context, StatusCodes.Status403Forbidden,
            "This token's role does not allow this call: use a token with the role the call needs");
}
