using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.Tokens;

namespace Metrics.Server.Security;

/// <summary>
/// A refused gRPC call gets a gRPC status that says why (UNAUTHENTICATED: no token, expired,
/// not signed by a trusted key; PERMISSION_DENIED: which roles the call needs), not a bare
/// HTTP 401/403 the client can only report as "bad gRPC response". Other requests keep the
/// default challenge and forbid.
/// </summary>
internal sealed class GrpcAuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
        {
            await fallback.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var (code, message) = authorizeResult.Forbidden
            ? (StatusCode.PermissionDenied, NeedsRoles(context, policy))
            : await WhyNotAuthenticated(context);

        Grpc.TrailersOnly.Refuse(context, code, message);
        if (code == StatusCode.Unauthenticated)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }
    }

    private static string NeedsRoles(HttpContext context, AuthorizationPolicy policy)
    {
        var needed = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Distinct().ToList();
        var held = context.User.FindAll(ForceRoles.ClaimType).Select(c => c.Value).ToList();
        var carries = held.Count == 0 ? "carries no role" : $"carries {string.Join(", ", held)}";
        return $"{context.Request.Path} needs the role {string.Join(" or ", needed)}; the token {carries}";
    }

    private static async Task<(StatusCode, string)> WhyNotAuthenticated(HttpContext context)
    {
        // The handler keeps its result for the request, so this reads the failure, not a second validation.
        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (IdentityProviderCheck.IsUnreachable(result.Failure))
        {
            // Not the caller's fault, and waiting helps: the keys are fetched again within Security:KeysRefreshAtMostEvery.
            return (StatusCode.Unavailable, $"the identity provider could not be reached to check the bearer token's signature; try again shortly{IdentityProviderCheck.Reason(result.Failure!)}");
        }

        return (StatusCode.Unauthenticated, result.Failure switch
        {
            null => "a bearer token is required: send the header 'authorization: Bearer <token>'",
            SecurityTokenExpiredException expired => $"the bearer token expired at {expired.Expires:yyyy-MM-dd HH:mm:ss}Z",
            SecurityTokenNotYetValidException => "the bearer token is not valid yet (check the clocks)",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the bearer token's signature is not from a key this server trusts",
            SecurityTokenInvalidAudienceException => "the bearer token is for another audience",
            SecurityTokenInvalidIssuerException => "the bearer token is from an issuer this server does not trust",
            SecurityTokenMalformedException => "the bearer token is not a JSON web token",
            TokenRefusedException refused => refused.Message,
            _ => "the bearer token is not valid",
        });
    }
}
