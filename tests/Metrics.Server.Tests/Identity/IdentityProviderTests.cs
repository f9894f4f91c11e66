using Grpc.Core;
using Metrics.Contracts.V1;
using Microsoft.IdentityModel.Tokens;

namespace Metrics.Server.Tests.Identity;

/// <summary>
/// The server configured only through Security:Authority and Security:Audience, as a force
/// configures it, against a provider over HTTPS: its keys, their rotation, its outages and the
/// ways providers spell roles.
/// </summary>
public sealed class IdentityProviderTests
{
    private const string MicrosoftRoleClaim = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";

    [Fact]
    public async Task TokensSignedByTheProvidersRsaAndEcKeysAreAcceptedAndAStrangersRefused()
    {
        await using var provider = new TestIdentityProvider();
        var rsa = provider.Publish(TestIdentityProvider.NewRsaKey("rsa-2026-12"));
        var ec = provider.Publish(TestIdentityProvider.NewEcKey("ec-2026-12"));
        await provider.StartAsync();
        await using var server = await ServerProcess.StartAsync(provider.ServerSettings());

        var byRsa = await ListMeasures(server, provider.Token(rsa, Roles("viewer")));
        var byEc = await ListMeasures(server, provider.Token(ec, Roles("viewer")));
        var stranger = await ListMeasures(server, provider.Token(TestIdentityProvider.NewRsaKey("rsa-2026-12"), Roles("viewer"))); // same kid, another key
        var otherAudience = await ListMeasures(server, provider.Token(rsa, Roles("viewer"), audience: "another-service"));

        Assert.Equal((StatusCode.OK, StatusCode.OK), (byRsa.Status, byEc.Status));
        Assert.Equal((StatusCode.Unauthenticated, "the bearer token's signature is not from a key this server trusts"), stranger);
        Assert.Equal((StatusCode.Unauthenticated, "the bearer token is for another audience"), otherAudience);
        Assert.Contains($"Identity provider {provider.Authority} reached: issuer {provider.Authority}, 2 signing keys: rsa-2026-12 (Rsa), ec-2026-12 (ECDsa)", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARotatedKeyIsUsedWithoutARestartAndTheWithdrawnOneIsRefused()
    {
        await using var provider = new TestIdentityProvider();
        var old = provider.Publish(TestIdentityProvider.NewRsaKey("old"));
        await provider.StartAsync();
        await using var server = await ServerProcess.StartAsync(provider.ServerSettings());
        var before = await ListMeasures(server, provider.Token(old, Roles("viewer")));

        // The provider rotates: the new key is published and signs, the old one is withdrawn.
        var next = provider.Publish(TestIdentityProvider.NewEcKey("next"));
        provider.Withdraw(old);
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // Security:KeysRefreshAtMostEvery, as the test configures it
        var signedByNext = await ListMeasures(server, provider.Token(next, Roles("viewer")));
        var signedByOld = await ListMeasures(server, provider.Token(old, Roles("viewer"), lifetime: TimeSpan.FromMinutes(30)));

        Assert.Equal((StatusCode.OK, ""), before);
        Assert.Equal((StatusCode.OK, ""), signedByNext);
        Assert.Equal((StatusCode.Unauthenticated, "the bearer token's signature is not from a key this server trusts"), signedByOld);
    }

    [Fact]
    public async Task AProviderOutOfReachGivesUnavailableWithTheReasonAndTheServerRecoversWhenItIsBack()
    {
        await using var provider = new TestIdentityProvider();
        var key = provider.Publish(TestIdentityProvider.NewRsaKey("k1"));
        await using var server = await ServerProcess.StartAsync(provider.ServerSettings()); // the provider is not started
        var token = provider.Token(key, Roles("viewer"));

        var whileDown = await ListMeasures(server, token);
        await provider.StartAsync();
        var afterwards = await UntilAnswered(server, token);

        Assert.True(whileDown.Status == StatusCode.Unavailable, $"{whileDown}\n{server.Output}");
        Assert.True(whileDown.Detail.StartsWith("the identity provider could not be reached to check the bearer token's signature; try again shortly", StringComparison.Ordinal), whileDown.Detail);
        Assert.Equal(StatusCode.OK, afterwards.Status);
        Assert.Contains($"Identity provider {provider.Authority} could not be reached: Connection refused", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysAlreadyFetchedKeepWorkingWhileTheProviderIsDownLater()
    {
        await using var provider = new TestIdentityProvider();
        var key = provider.Publish(TestIdentityProvider.NewEcKey("k1"));
        await provider.StartAsync();
        await using var server = await ServerProcess.StartAsync(provider.ServerSettings());
        var before = await ListMeasures(server, provider.Token(key, Roles("viewer")));

        await provider.StopAsync();
        var duringOutage = await ListMeasures(server, provider.Token(key, Roles("viewer"), lifetime: TimeSpan.FromMinutes(20)));
        await provider.StartAsync();
        var after = await ListMeasures(server, provider.Token(key, Roles("viewer"), lifetime: TimeSpan.FromMinutes(40)));

        Assert.Equal((StatusCode.OK, ""), before);
        Assert.Equal((StatusCode.OK, ""), duringOutage); // a new token, signed by a key the server already holds
        Assert.Equal((StatusCode.OK, ""), after);
    }

    [Fact]
    public async Task RolesAreReadAsProvidersSendThemAndGroupsThroughTheRoleMap()
    {
        const string AdminsGroup = "6f1c9a4e-3b1d-4c55-9a77-0e2f1b7d8c90";
        await using var provider = new TestIdentityProvider();
        var key = provider.Publish(TestIdentityProvider.NewRsaKey("k1"));
        await provider.StartAsync();
        await using var server = await ServerProcess.StartAsync(provider.ServerSettings(
            ("Security:RoleClaim", "groups"),
            ("Security:RoleMap:Metrics.Readers", "viewer"),
            ($"Security:RoleMap:{AdminsGroup}", "admin")));

        var entraAppRoles = provider.Token(key, new Dictionary<string, object> { ["roles"] = new[] { "Metrics.Readers", "Something.Else" } });
        var singleRole = provider.Token(key, new Dictionary<string, object> { ["role"] = "viewer" });
        var microsoftUri = provider.Token(key, new Dictionary<string, object> { [MicrosoftRoleClaim] = "viewer" });
        var group = provider.Token(key, new Dictionary<string, object> { ["groups"] = new[] { "a-group-of-no-interest", AdminsGroup } });
        var noRole = provider.Token(key, new Dictionary<string, object> { ["roles"] = new[] { "Something.Else" } });

        Assert.Equal(StatusCode.OK, (await ListMeasures(server, entraAppRoles)).Status);
        Assert.Equal(StatusCode.OK, (await ListMeasures(server, singleRole)).Status);
        Assert.Equal(StatusCode.OK, (await ListMeasures(server, microsoftUri)).Status);
        Assert.Equal(StatusCode.OK, (await ListMeasures(server, group)).Status); // an admin reads too
        Assert.Equal(StatusCode.NotFound, (await UndoImport(server, group)).Status); // allowed: there is no batch 999999
        Assert.Equal(
            (StatusCode.PermissionDenied, "/metrics.v1.MeasuresService/UndoImport needs the role admin; the token carries viewer"),
            await UndoImport(server, entraAppRoles));
        Assert.Equal(
            (StatusCode.PermissionDenied, "/metrics.v1.MeasuresService/ListMeasures needs the role viewer or admin; the token carries no role"),
            await ListMeasures(server, noRole));
        Assert.Contains("roles are read from the claims roles, role, http://schemas.microsoft.com/ws/2008/06/identity/claims/role, groups, and 2 provider values are mapped", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMapToARoleTheServerDoesNotHaveStopsTheStartSayingWhich()
    {
        await using var provider = new TestIdentityProvider();

        var (exit, output) = await ServerProcess.RunUntilExitAsync(TimeSpan.FromSeconds(60), provider.ServerSettings(("Security:RoleMap:Metrics.Readers", "reader")));

        Assert.NotEqual(0, exit);
        Assert.Contains("Security:RoleMap maps to roles this server does not have: it has viewer, publisher, admin", output, StringComparison.Ordinal);
    }

    private static Dictionary<string, object> Roles(params string[] roles) => new() { ["roles"] = roles };

    private static Task<(StatusCode Status, string Detail)> ListMeasures(ServerProcess server, string token) =>
        Outcome(() => new MeasuresService.MeasuresServiceClient(server.CreateChannel(token)).ListMeasuresAsync(new ListMeasuresRequest()).ResponseAsync);

    private static Task<(StatusCode Status, string Detail)> UndoImport(ServerProcess server, string token) =>
        Outcome(() => new MeasuresService.MeasuresServiceClient(server.CreateChannel(token)).UndoImportAsync(new UndoImportRequest { ImportId = 999_999, DryRun = true }).ResponseAsync);

    private static async Task<(StatusCode Status, string Detail)> Outcome<T>(Func<Task<T>> call)
    {
        try
        {
            await call();
            return (StatusCode.OK, "");
        }
        catch (RpcException e)
        {
            return (e.StatusCode, e.Status.Detail);
        }
    }

    /// <summary>The provider is back: the server fetches its keys again at most a second after the last try.</summary>
    private static async Task<(StatusCode Status, string Detail)> UntilAnswered(ServerProcess server, string token)
    {
        var outcome = await ListMeasures(server, token);
        for (var tries = 0; outcome.Status == StatusCode.Unavailable && tries < 20; tries++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            outcome = await ListMeasures(server, token);
        }

        return outcome;
    }
}
