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

    /// <summary>Tolerance for clocks that differ between the issuer and this server.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>gRPC reflection (anonymous: it describes the protocol, which is public in protos/). On in Development.</summary>
    public bool Reflection { get; set; }
}
