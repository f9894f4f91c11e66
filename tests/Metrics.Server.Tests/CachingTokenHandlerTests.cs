using System.Security.Cryptography;
using Metrics.Server.Security;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Metrics.Server.Tests;

/// <summary>A token is validated once a minute at most, never kept past its expiry, and a refusal is never kept.</summary>
public sealed class CachingTokenHandlerTests
{
    private static readonly SymmetricSecurityKey Key = new(RandomNumberGenerator.GetBytes(32));

    private readonly TokenValidationParameters _parameters = new()
    {
        ValidIssuer = "metrics-server",
        ValidAudience = "metrics",
        IssuerSigningKey = Key,
        ClockSkew = TimeSpan.Zero,
    };

    [Fact]
    public async Task AValidTokenIsCheckedAgainAfterAMinute()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var handler = new CachingTokenHandler(clock, TimeSpan.FromDays(31));
        var token = new TokenIssuer(Key, "metrics-server", "metrics").Issue("wall-1", [ForceRoles.Viewer], TimeSpan.FromHours(1));

        var first = await handler.ValidateTokenAsync(token, _parameters);
        var again = await handler.ValidateTokenAsync(token, _parameters);
        clock.Advance(CachingTokenHandler.KeepFor);
        var later = await handler.ValidateTokenAsync(token, _parameters);

        Assert.True(first.IsValid);
        Assert.Same(first, again);
        Assert.NotSame(first, later);
        Assert.True(later.IsValid);
    }

    [Fact]
    public async Task ATokenIsNotKeptPastItsExpiry()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var handler = new CachingTokenHandler(clock, TimeSpan.FromDays(31));
        var token = new TokenIssuer(Key, "metrics-server", "metrics").Issue("wall-1", [ForceRoles.Viewer], TimeSpan.FromSeconds(20));

        var first = await handler.ValidateTokenAsync(token, _parameters);
        clock.Advance(TimeSpan.FromSeconds(21));
        var afterExpiry = await handler.ValidateTokenAsync(token, _parameters);

        Assert.True(first.IsValid);
        Assert.NotSame(first, afterExpiry); // validated again (and valid still by the real clock)
    }

    [Fact]
    public async Task ARefusalIsNeverKept()
    {
        var handler = new CachingTokenHandler(new FakeTimeProvider(DateTimeOffset.UtcNow), TimeSpan.FromDays(31));
        var expired = new TokenIssuer(Key, "metrics-server", "metrics").Issue("wall-1", [ForceRoles.Viewer], TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow.AddHours(-1));

        var first = await handler.ValidateTokenAsync(expired, _parameters);
        var again = await handler.ValidateTokenAsync(expired, _parameters);

        Assert.False(first.IsValid);
        Assert.False(again.IsValid);
        Assert.NotSame(first, again);
    }
}
