using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Metrics.Server.Security;

/// <summary>
/// Issues tokens signed with the local key: the development tokens, the demo publisher's own
/// publisher token, and tests'. Real time, not the operations clock: a token's life is a
/// security fact, and tests move the operations clock by days.
/// </summary>
public sealed class TokenIssuer(SymmetricSecurityKey key, string issuer, string audience)
{
    private readonly JsonWebTokenHandler handler = new();

    public string Issue(string subject, IEnumerable<string> roles, TimeSpan lifetime, DateTimeOffset? now = null, IEnumerable<Claim>? more = null)
    {
        var issuedAt = (now ?? DateTimeOffset.UtcNow).UtcDateTime;
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, subject) };
        claims.AddRange(more ?? []);
        claims.AddRange(roles.Select(role => new Claim(ForceRoles.ClaimType, role)));
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
