using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Metrics.Server.Security;

/// <summary>
/// Says at start which identity provider the server trusts and whether it could reach it: the
/// first sign of a wrong authority, a certificate not trusted or a firewall is then in the log,
/// not in the first caller's refusal. Never holds up the start: the keys are fetched again on
/// demand (Security:KeysRefreshAtMostEvery), and until then callers get UNAVAILABLE.
/// </summary>
internal sealed partial class IdentityProviderCheck(
    IOptions<SecurityOptions> security, IOptionsMonitor<JwtBearerOptions> jwt, ProviderRoles roles, ILogger<IdentityProviderCheck> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = security.Value;
        if (options.Authority.Length == 0)
        {
            return;
        }

        Trusting(logger, options.Authority, options.Audience, string.Join(", ", roles.Claims), options.RoleMap.Count);
        var configuration = jwt.Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager!;
        try
        {
            var found = await configuration.GetConfigurationAsync(stoppingToken);
            Reached(logger, options.Authority, found.Issuer, found.SigningKeys.Count, string.Join(", ", found.SigningKeys.Select(k => $"{k.KeyId} ({k.GetType().Name.Replace("SecurityKey", "", StringComparison.Ordinal)})")));
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            Unreachable(logger, options.Authority, Reason(e).Trim(' ', '(', ')'), options.KeysRefreshAtMostEvery);
        }
    }

    /// <summary>
    /// The failure to tell a caller: the provider's being out of reach when that is why the token
    /// could not be checked (the configuration cannot be had now), else the token's own failure.
    /// </summary>
    public static async Task<Exception> UnreachableOr(
        Exception failure, IConfigurationManager<OpenIdConnectConfiguration>? provider, CancellationToken cancellationToken)
    {
        if (provider is null || IsUnreachable(failure) || failure is not (SecurityTokenInvalidIssuerException or SecurityTokenSignatureKeyNotFoundException))
        {
            return failure;
        }

        try
        {
            await provider.GetConfigurationAsync(cancellationToken);
            return failure;
        }
        catch (InvalidOperationException unreachable) when (IsUnreachable(unreachable))
        {
            return unreachable;
        }
    }

    /// <summary>The identity model's failure to fetch the provider's discovery document or keys (IDX20803).</summary>
    public static bool IsUnreachable(Exception? failure) =>
        failure is InvalidOperationException && failure.Message.StartsWith("IDX20803", StringComparison.Ordinal);

    /// <summary>
    /// The innermost cause, " (Connection refused (127.0.0.1:7443))", a certificate not trusted, ...;
    /// empty when the identity model only repeats a failure it had before its next try.
    /// </summary>
    public static string Reason(Exception failure)
    {
        if (failure.InnerException is null)
        {
            return "";
        }

        while (failure.InnerException is { } inner)
        {
            failure = inner;
        }

        return $" ({failure.Message})";
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Tokens are checked against the identity provider {Authority} for the audience {Audience}; roles are read from the claims {Claims}, and {Mapped} provider values are mapped to roles (Security:RoleMap)")]
    private static partial void Trusting(ILogger logger, string authority, string audience, string claims, int mapped);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Identity provider {Authority} reached: issuer {Issuer}, {Keys} signing keys: {KeyIds}")]
    private static partial void Reached(ILogger logger, string authority, string issuer, int keys, string keyIds);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Identity provider {Authority} could not be reached: {Reason}. Calls get UNAVAILABLE until it is; it is tried again at most every {Interval}")]
    private static partial void Unreachable(ILogger logger, string authority, string reason, TimeSpan interval);
}
