using System.Security.Claims;

namespace Metrics.Server.Security;

/// <summary>
/// This server's roles from a token as identity providers send them: "roles" as an array (Entra
/// ID app roles), "role" (Keycloak mappers, many others), Microsoft's role-claim URI (AD FS, some
/// Entra set-ups), and any claim named in Security:RoleClaim (groups); each value is a role of
/// this server by name or through Security:RoleMap. The principal then carries exactly those
/// roles under "roles", so that every check and every refusal's message reads them alike.
/// </summary>
public sealed class ProviderRoles(string extraClaim, IReadOnlyDictionary<string, string> map)
{
    /// <summary>The claim types read for roles, always.</summary>
    public static readonly IReadOnlyList<string> StandardClaims = ["roles", "role", ClaimTypes.Role];

    private readonly string[] _claims = [.. StandardClaims.Append(extraClaim).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal)];

    public IReadOnlyList<string> Claims => _claims;

    /// <summary>This server's roles that the token's values stand for.</summary>
    public IReadOnlyList<string> RolesOf(ClaimsPrincipal principal) =>
    [
        .. principal.Claims
            .Where(c => _claims.Contains(c.Type, StringComparer.Ordinal))
            .SelectMany(c => map.TryGetValue(c.Value, out var mapped) ? mapped.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [c.Value])
            .Where(role => ForceRoles.All.Contains(role, StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>The principal with its role claims replaced by this server's roles.</summary>
    public ClaimsPrincipal Apply(ClaimsPrincipal principal)
    {
        var roles = RolesOf(principal);
        var identity = new ClaimsIdentity(
            principal.Claims.Where(c => !_claims.Contains(c.Type, StringComparer.Ordinal))
                .Concat(roles.Select(role => new Claim(ForceRoles.ClaimType, role))),
            principal.Identity?.AuthenticationType,
            "sub",
            ForceRoles.ClaimType);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>Map entries that name no role of this server: refused at start, naming them.</summary>
    public static IEnumerable<string> UnknownRoles(IReadOnlyDictionary<string, string> map) =>
        map.SelectMany(entry => entry.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(role => !ForceRoles.All.Contains(role, StringComparer.Ordinal))
            .Select(role => $"Security:RoleMap:{entry.Key} = '{role}'"));
}
