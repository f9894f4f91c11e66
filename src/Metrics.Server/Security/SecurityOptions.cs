namespace Metrics.Server.Security;

/// <summary>
/// Who may call (configuration section "Security"). With <see cref="Authority"/> set, tokens
/// come from the force's identity provider; otherwise from a signing key this server creates
/// on first run and keeps beside its database (never in the repository).
/// </summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>An OpenID Connect authority (e.g. the force's Entra ID tenant); empty uses the local signing key.</summary>
    public string Authority { get; set; } = string.Empty;

    public string Issuer { get; set; } = "metrics-server";

    public string Audience { get; set; } = "metrics";

    /// <summary>The local HMAC-SHA256 key, created (owner-only) if missing. A relative path is under Storage:DataDirectory.</summary>
    public string SigningKeyFile { get; set; } = "signing-key";

    /// <summary>
    /// Where the development tokens are written at start (one file per role); empty writes none.
    /// A relative path is under Storage:DataDirectory (Development: "tokens").
    /// </summary>
    public string TokenDirectory { get; set; } = string.Empty;

    /// <summary>How long a development token lasts: a shift.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// The longest a token may last from its issue (exp − iat), whoever issued it: longer ones are
    /// refused. A wall's viewer token is re-issued within this (docs/reliability.md).
    /// </summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromDays(31);

    /// <summary>
    /// A claim the identity provider puts roles or groups in beyond those always read ("roles",
    /// "role" and Microsoft's role-claim URI): "groups" for Entra ID or AD FS group membership.
    /// </summary>
    public string RoleClaim { get; set; } = string.Empty;

    /// <summary>
    /// The provider's role or group values that mean this server's roles: "Metrics.Readers" →
    /// "viewer", an Entra group's object id → "admin" (several roles: "viewer,admin"). Values that
    /// are this server's role names already need no entry.
    /// </summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often the provider's signing keys are fetched again, so that keys it retires stop working.</summary>
    public TimeSpan KeysRefreshEvery { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The least time between two fetches of the provider's keys when a token names a key not yet
    /// seen (a rotation) or the provider could not be reached: how soon a new key, or the provider
    /// back after an outage, is used.
    /// </summary>
    public TimeSpan KeysRefreshAtMostEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long after a person issued a viewer token a wall may go on renewing it by itself
    /// (LiveService.RenewViewerToken): a stolen wall token is not good for ever.
    /// </summary>
    public TimeSpan WallRenewableFor { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Tolerance for clocks that differ between the issuer and this server.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>gRPC reflection (anonymous: it describes the protocol, which is public in protos/). On in Development.</summary>
    public bool Reflection { get; set; }
}
