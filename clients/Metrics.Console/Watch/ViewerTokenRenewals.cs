using System.Text.Json;
using Grpc.Core;
using Metrics.Console.Commands;
using Metrics.Contracts.V1;

namespace Metrics.Console.Watch;

/// <summary>
/// A long-running command's viewer identity kept alive as the wall keeps its own: at half the
/// token's life it asks the server for a renewed one (LiveService.RenewViewerToken). A refusal
/// that retrying cannot mend (an identity provider issues the tokens, the renewals have run out)
/// ends the renewing; the stream then ends with the token and says so.
/// </summary>
internal static class ViewerTokenRenewals
{
    public static async Task RenewForeverAsync(ServerSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            while (settings.CurrentToken is { } token && ExpiryOf(token) is { } expires)
            {
                var halfLife = (expires - DateTimeOffset.UtcNow) / 2;
                await Task.Delay(halfLife > TimeSpan.FromSeconds(1) ? halfLife : TimeSpan.FromSeconds(1), cancellationToken);
                try
                {
                    var renewed = await settings.Live().RenewViewerTokenAsync(new RenewViewerTokenRequest(), deadline: settings.Deadline(10), cancellationToken: cancellationToken);
                    settings.UseRenewedToken(renewed.Token);
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.FailedPrecondition)
                {
                    return;
                }
                catch (RpcException)
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken); // the server is away: again soon, well within the token's life
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>When a token expires, from its payload ("exp"); null when it cannot be read.</summary>
    public static DateTimeOffset? ExpiryOf(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            using var json = JsonDocument.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=')));
            return json.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
