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
        await using var server = await ServerProcess.StartAsync(("Security:TokenLifetime", "00:10:00"), ("Security:WallRenewableFor", "00:00:02"));
        var admin = server.Token(ForceRoles.All);
        var renewed = await new LiveService.LiveServiceClient(server.CreateChannel(admin)).RenewViewerTokenAsync(new RenewViewerTokenRequest());
        var again = await new LiveService.LiveServiceClient(server.CreateChannel(renewed.Token)).RenewViewerTokenAsync(new RenewViewerTokenRequest());
        await Task.Delay(TimeSpan.FromSeconds(2.1)); // Security:WallRenewableFor, as this server is configured
        var runOut = await Assert.ThrowsAsync<RpcException>(() => new LiveService.LiveServiceClient(server.CreateChannel(again.Token)).RenewViewerTokenAsync(new RenewViewerTokenRequest()).ResponseAsync);

        using var payload = Payload(renewed.Token);
        Assert.Equal("test", payload.RootElement.GetProperty("sub").GetString());
        Assert.Equal(["viewer"], payload.RootElement.GetProperty("roles").ValueKind == JsonValueKind.Array
            ? payload.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!)
            : [payload.RootElement.GetProperty("roles").GetString()!]);
        // The second renewal keeps the first one's limit: a chain of renewals never outlives it.
        Assert.Equal(renewed.RenewableUntil, again.RenewableUntil);
        Assert.True(again.ExpiresAt.ToDateTimeOffset() <= again.RenewableUntil.ToDateTimeOffset().AddSeconds(1));
        Assert.Equal(StatusCode.FailedPrecondition, runOut.StatusCode);
        Assert.Contains("(Security:WallRenewableFor); a person must issue a new token", runOut.Status.Detail, StringComparison.Ordinal);
        // And the renewed viewer may read but not administer.
        var asViewer = new MeasuresService.MeasuresServiceClient(server.CreateChannel(again.Token));
        Assert.NotEmpty((await asViewer.ListMeasuresAsync(new ListMeasuresRequest())).Measures);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() => asViewer.UndoImportAsync(new UndoImportRequest { ImportId = 1, DryRun = true }).ResponseAsync)).StatusCode);
    }

    private static JsonDocument Payload(string jwt)
    {
        var part = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        return JsonDocument.Parse(Convert.FromBase64String(part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=')));
    }
}
