using Microsoft.Extensions.Options;

namespace Metrics.Server.Security;

/// <summary>
/// At start, when Security:TokenDirectory is set (Development sets it), writes a fresh token per
/// role (viewer.jwt, publisher.jwt, admin.jwt) and the wall display's address with the viewer
/// token, and logs where they are: a newcomer calls the server without an identity provider.
/// </summary>
internal sealed partial class DevelopmentTokens(
    IOptions<SecurityOptions> options,
    TokenIssuer issuer,
    IConfiguration configuration,
    ILogger<DevelopmentTokens> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.TokenDirectory.Length == 0)
        {
            return Task.CompletedTask;
        }

        var directory = Path.GetFullPath(settings.TokenDirectory);
        Storage.OwnerOnlyFiles.CreateFolder(directory);
        var tokens = ForceRoles.All.ToDictionary(role => role, role => issuer.Issue($"development-{role}", [role], settings.TokenLifetime));
        foreach (var (role, token) in tokens)
        {
            Storage.OwnerOnlyFiles.WriteAllText(Path.Combine(directory, $"{role}.jwt"), token);
        }

        // The TLS port serves the page when there is one (docker compose); a wildcard host is this machine.
        var web = (configuration["Kestrel:Endpoints:Tls:Url"] ?? configuration["Kestrel:Endpoints:Web:Url"] ?? "http://localhost:5081")
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal);
        var wall = $"{web.TrimEnd('/')}/wall/#token={tokens[ForceRoles.Viewer]}";
        var wallFile = Path.Combine(directory, "wall.url");
        Storage.OwnerOnlyFiles.WriteAllText(wallFile, wall);
        TokensWritten(logger, directory, settings.TokenLifetime, wallFile);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Never the tokens themselves: a log is read by more people than the data directory.
    [LoggerMessage(Level = LogLevel.Information, Message = "Development tokens (valid {Lifetime}) written to {Directory}: viewer.jwt, publisher.jwt, admin.jwt (the console client reads METRICS_TOKEN). The wall display's address, with its viewer token, is in {WallFile}")]
    private static partial void TokensWritten(ILogger logger, string directory, TimeSpan lifetime, string wallFile);
}
