using Grpc.Core;
using Metrics.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.Tokens;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc;

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

        var status = authorizeResult.Forbidden
            ? NeedsRoles(context, policy)
            : await WhyNotAuthenticated(context);

        TrailersOnly.Refuse(context, status);
        if (status.Code == (int)StatusCode.Unauthenticated)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }
    }

    private static Google.Rpc.Status NeedsRoles(HttpContext context, AuthorizationPolicy policy)
    {
        var needed = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Distinct().ToList();
        var held = context.User.FindAll(ForceRoles.ClaimType).Select(c => c.Value).ToList();
        var carries = held.Count == 0 ? "carries no role" : $"carries {string.Join(", ", held)}";
        return ErrorDetails.Status(
            StatusCode.PermissionDenied,
            V1.ErrorReason.RoleRequired,
            $"{context.Request.Path} needs the role {string.Join(" or ", needed)}; the token {carries}",
            [new("roles_needed", string.Join(",", needed))]);
    }

    private static async Task<Google.Rpc.Status> WhyNotAuthenticated(HttpContext context)
    {
        // The handler keeps its result for the request, so this reads the failure, not a second validation.
        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (IdentityProviderCheck.IsUnreachable(result.Failure))
        {
            // Not the caller's fault, and waiting helps: the keys are fetched again within Security:KeysRefreshAtMostEvery.
            return ErrorDetails.Status(
                StatusCode.Unavailable,
                V1.ErrorReason.IdentityProviderUnavailable,
                $"the identity provider could not be reached to check the bearer token's signature; try again shortly{IdentityProviderCheck.Reason(result.Failure!)}",
                retryAfter: TimeSpan.FromSeconds(1));
        }

        var reason = result.Failure switch
        {
            null => V1.ErrorReason.TokenMissing,
            SecurityTokenExpiredException => V1.ErrorReason.TokenExpired,
            _ => V1.ErrorReason.TokenInvalid,
        };
        return ErrorDetails.Status(StatusCode.Unauthenticated, reason, result.Failure switch
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
