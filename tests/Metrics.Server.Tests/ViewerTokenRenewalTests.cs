using System.Text.Json;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Security;

namespace Metrics.Server.Tests;

/// <summary>A wall's viewer identity renewed by the wall, and a live stream no longer than its token.</summary>
public sealed class ViewerTokenRenewalTests
{
    [Fact]
    public async Task ALiveStreamEndsWhenItsTokenExpiresSayingSo()
    {
        await using var server = await ServerProcess.StartAsync(("Live:Heartbeat", "00:00:01"));
        var live = new LiveService.LiveServiceClient(server.CreateChannel(server.Token([ForceRoles.Viewer], TimeSpan.FromSeconds(3))));

        using var call = live.Subscribe(new SubscribeRequest());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });

        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Matches(@"^the bearer token expired at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ; reconnect with a renewed token", ended.Status.Detail);
    }

    [Fact]
    public async Task ARenewedTokenIsTheSameSubjectAsViewerOnlyAndRenewalsRunOut()
    {
        await using var server = await ServerProcess.StartAsync(("Security:TokenLifetime", "00:10:00"), ("Security:WallRenewableFor", "01:00:00"));
        // Issued by a person 55 minutes ago: renewable for 5 more; and one issued 61 minutes ago, no longer.
        var now = DateTimeOffset.UtcNow;
        var admin = server.Token(ForceRoles.All, TimeSpan.FromHours(2), now.AddMinutes(-55));
        var renewed = await new LiveService.LiveServiceClient(server.CreateChannel(admin)).RenewViewerTokenAsync(new RenewViewerTokenRequest());
        var again = await new LiveService.LiveServiceClient(server.CreateChannel(renewed.Token)).RenewViewerTokenAsync(new RenewViewerTokenRequest());
        var tooOld = server.Token([ForceRoles.Viewer], TimeSpan.FromHours(2), now.AddMinutes(-61));
        var runOut = await Assert.ThrowsAsync<RpcException>(() => new LiveService.LiveServiceClient(server.CreateChannel(tooOld)).RenewViewerTokenAsync(new RenewViewerTokenRequest()).ResponseAsync);

        using var payload = Payload(renewed.Token);
        Assert.Equal("test", payload.RootElement.GetProperty("sub").GetString());
        Assert.Equal(["viewer"], payload.RootElement.GetProperty("roles").ValueKind == JsonValueKind.Array
            ? payload.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!)
            : [payload.RootElement.GetProperty("roles").GetString()!]);
        // The second renewal keeps the first one's limit: a chain of renewals never outlives it.
        Assert.Equal(renewed.RenewableUntil, again.RenewableUntil);
        Assert.InRange(renewed.RenewableUntil.ToDateTimeOffset(), now.AddMinutes(5).AddSeconds(-2), now.AddMinutes(5).AddSeconds(2));
        Assert.Equal(again.RenewableUntil, again.ExpiresAt); // 10 minutes would pass the limit: the token stops at it
        Assert.Equal(StatusCode.FailedPrecondition, runOut.StatusCode);
        Assert.Contains("(Security:WallRenewableFor); a person must issue a new token", runOut.Status.Detail, StringComparison.Ordinal);
        // And the renewed viewer may read but not administer.
        var asViewer = new MeasuresService.MeasuresServiceClient(server.CreateChannel(again.Token));
        Assert.NotEmpty((await asViewer.ListMeasuresAsync(new ListMeasuresRequest())).Measures);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() => asViewer.UndoImportAsync(new UndoImportRequest { ImportId = 1, DryRun = true }).ResponseAsync)).StatusCode);
    }

    [Fact]
    public async Task MetricsWatchRenewsItsTokenAndFollowsPastEachExpiry()
    {
        // Tokens of 4 s and a heartbeat a second: 14 messages take past three expiries.
        await using var server = await ServerProcess.StartAsync(("Security:TokenLifetime", "00:00:04"), ("Live:Heartbeat", "00:00:01"));
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "metrics.dll"), "watch", "--json", "--messages", "14", "--feeds", "incidents"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["METRICS_SERVER"] = server.GrpcAddress.AbsoluteUri;
        start.Environment["METRICS_TOKEN"] = server.Token([ForceRoles.Viewer], TimeSpan.FromSeconds(4));
        using var watch = System.Diagnostics.Process.Start(start)!;
        var output = watch.StandardOutput.ReadToEndAsync();
        var error = watch.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await watch.WaitForExitAsync(guard.Token);

        Assert.True(watch.ExitCode == 0, await error);
        Assert.Equal(14, (await output).Split('\n').Count(line => line.StartsWith('{')));
    }

    private static JsonDocument Payload(string jwt)
    {
        var part = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        return JsonDocument.Parse(Convert.FromBase64String(part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=')));
    }
}
