using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Metrics.Server.Security;

/// <summary>
/// Validates each token once a minute, not on every call: a wall display or a load balancer's
/// client sends the same token thousands of times. A result is kept only while valid, for at
/// most <see cref="KeepFor"/> and never beyond the token's expiry; failures are never kept.
/// Bounded: the cache starts again when it holds <see cref="MaxTokens"/>. Applies the server's
/// own <see cref="TokenRules"/> around the standard validation.
/// </summary>
public sealed class CachingTokenHandler(TimeProvider clock, TimeSpan maxTokenLifetime) : JsonWebTokenHandler
{
    public static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(1);
    public const int MaxTokens = 10_000;

    private readonly ConcurrentDictionary<string, (TokenValidationResult Result, DateTimeOffset Until)> _valid = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow();
        if (_valid.TryGetValue(token, out var kept) && now < kept.Until)
        {
            return kept.Result;
        }

        if (CanReadToken(token) && TokenRules.BeforeValidation(ReadJsonWebToken(token)) is { } refusedBefore)
        {
            return Refused(refusedBefore);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken checkedToken && TokenRules.AfterValidation(checkedToken, maxTokenLifetime) is { } refusedAfter)
        {
            return Refused(refusedAfter);
        }

        if (result.IsValid && result.SecurityToken is { } validated)
        {
            if (_valid.Count >= MaxTokens)
            {
                _valid.Clear();
            }

            var expires = new DateTimeOffset(DateTime.SpecifyKind(validated.ValidTo, DateTimeKind.Utc));
            _valid[token] = (result, now + KeepFor < expires ? now + KeepFor : expires);
        }

        return result;
    }

    private static TokenValidationResult Refused(string why) => new() { IsValid = false, Exception = new TokenRefusedException(why) };
}
