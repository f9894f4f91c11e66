using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Metrics.Server.Security;

/// <summary>
/// What this server asks of a token beyond a valid signature, issuer, audience and time: no
/// critical header it does not understand (RFC 7515 says to refuse those), a subject (callers'
/// limits and who made a batch are told apart by it), and a lifetime no longer than
/// Security:MaxTokenLifetime (a stolen token should not work for years).
/// </summary>
internal static class TokenRules
{
    /// <summary>Why a well-formed token is refused before its signature is checked, or null.</summary>
    public static string? BeforeValidation(JsonWebToken token) =>
        token.TryGetHeaderValue<object>("crit", out _)
            ? "the bearer token names critical header parameters (crit) this server does not understand"
            : null;

    /// <summary>Why a token with a valid signature is still refused, or null.</summary>
    public static string? AfterValidation(JsonWebToken token, TimeSpan maxLifetime)
    {
        if (!token.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var subject) || string.IsNullOrWhiteSpace(subject))
        {
            return "the bearer token has no subject (sub); every caller is told apart by its subject";
        }

        var issued = token.IssuedAt > DateTime.MinValue ? token.IssuedAt : token.ValidFrom > DateTime.MinValue ? token.ValidFrom : DateTime.UtcNow;
        var lifetime = token.ValidTo - issued;
        return lifetime > maxLifetime
            ? $"the bearer token lasts {Describe(lifetime)}; the most this server accepts is {Describe(maxLifetime)} (Security:MaxTokenLifetime)"
            : null;
    }

    private static string Describe(TimeSpan span) =>
        span >= TimeSpan.FromDays(2) ? $"{span.TotalDays:N0} days" : $"{span.TotalHours:0.#} hours";
}

/// <summary>A token refused by one of <see cref="TokenRules"/>: its message is what the caller is told.</summary>
internal sealed class TokenRefusedException(string message) : SecurityTokenValidationException(message);
