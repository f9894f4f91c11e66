using System.Globalization;
using System.Security.Claims;
using Metrics.Domain.Requests;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Security;

/// <summary>A renewed viewer token, when it expires, and the last moment renewals reach.</summary>
public sealed record RenewedToken(string Token, DateTimeOffset ExpiresAt, DateTimeOffset RenewableUntil);

/// <summary>
/// A wall's viewer identity, renewed by the wall itself: the same subject, the viewer role only,
/// for Security:TokenLifetime, and never past the renewable_until that the first renewal sets
/// (Security:WallRenewableFor after the token a person issued). Real time: a token's life is a
/// security fact, not the operations clock's.
/// </summary>
public sealed class ViewerTokenRenewal(TokenIssuer issuer, IOptions<SecurityOptions> options)
{
    public const string RenewableUntilClaim = "renewable_until";

    /// <summary>A renewed token, or FAILED_PRECONDITION when the provider issues them or the renewals have run out.</summary>
    public RenewedToken Renew(ClaimsPrincipal caller)
    {
        var settings = options.Value;
        if (settings.Authority.Length > 0)
        {
            throw new ConflictException($"tokens come from the identity provider {settings.Authority}; a wall renews its token there (docs/identity.md)", RequestFailure.NotRenewable);
        }

        var now = DateTimeOffset.UtcNow;
        var until = Seconds(caller, RenewableUntilClaim) ?? (Seconds(caller, "iat") ?? now) + settings.WallRenewableFor;
        if (now >= until)
        {
            throw new ConflictException($"this viewer identity could be renewed until {until:yyyy-MM-dd HH:mm}Z (Security:WallRenewableFor); a person must issue a new token", RequestFailure.NotRenewable);
        }

        var lifetime = settings.TokenLifetime < until - now ? settings.TokenLifetime : until - now;
        var subject = caller.FindFirst("sub")?.Value ?? "wall";
        var token = issuer.Issue(subject, [ForceRoles.Viewer], lifetime, now, [new Claim(RenewableUntilClaim, until.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64)]);
        return new RenewedToken(token, now + lifetime, until);
    }

    /// <summary>When the caller's token expires (its "exp"), or null without one.</summary>
    public static DateTimeOffset? ExpiryOf(ClaimsPrincipal caller) => Seconds(caller, "exp");

    private static DateTimeOffset? Seconds(ClaimsPrincipal caller, string claim) =>
        caller.FindFirst(claim)?.Value is { } text && long.TryParse(text, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
