using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Metrics.Server.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>Who may call what: every RPC of every service against every kind of caller.</summary>
public sealed class SecurityTests(MetricsServerFactory server) : IClassFixture<MetricsServerFactory>
{
    /// <summary>The policy each RPC requires. A new RPC fails <see cref="EveryRpcHasAPolicy"/> until it is added here.</summary>
    private static readonly Dictionary<string, string> PolicyByMethod = new()
    {
        ["metrics.v1.MeasuresService/ListMeasures"] = ForceRoles.Policies.Read,
        ["metrics.v1.MeasuresService/ListAreas"] = ForceRoles.Policies.Read,
        ["metrics.v1.MeasuresService/GetSeries"] = ForceRoles.Policies.Read,
        ["metrics.v1.MeasuresService/GetAreaComparison"] = ForceRoles.Policies.Read,
        ["metrics.v1.MeasuresService/GetYearEndComparison"] = ForceRoles.Policies.Read,
        ["metrics.v1.MeasuresService/ListImports"] = ForceRoles.Policies.Read,
        ["metrics.v1.MeasuresService/GetImport"] = ForceRoles.Policies.Read,
        ["metrics.v1.MeasuresService/UndoImport"] = ForceRoles.Policies.Administer,
        ["metrics.v1.MeasuresService/DeleteFigures"] = ForceRoles.Policies.Administer,
        ["metrics.v1.MeasuresService/Retire"] = ForceRoles.Policies.Administer,
        ["metrics.v1.MeasuresService/DefineForce"] = ForceRoles.Policies.Administer,
        ["metrics.v1.MeasuresService/DefineMeasures"] = ForceRoles.Policies.Administer,
        ["metrics.v1.MeasuresService/DefineReportTemplate"] = ForceRoles.Policies.Administer,
        ["metrics.v1.MeasuresService/GetReportTemplate"] = ForceRoles.Policies.Read,
        ["metrics.v1.MeasuresService/ImportObservations"] = ForceRoles.Policies.Administer,
        ["metrics.v1.MeasuresService/ImportStreetCrimes"] = ForceRoles.Policies.Administer,
        ["metrics.v1.AnalyticsService/GetMeasureSummary"] = ForceRoles.Policies.Read,
        ["metrics.v1.AnalyticsService/GetControlChart"] = ForceRoles.Policies.Read,
        ["metrics.v1.AnalyticsService/GetProjection"] = ForceRoles.Policies.Read,
        ["metrics.v1.AnalyticsService/GetPerformanceSummary"] = ForceRoles.Policies.Read,
        ["metrics.v1.AnalyticsService/GetOutcomeRates"] = ForceRoles.Policies.Read,
        ["metrics.v1.AnalyticsService/GetReport"] = ForceRoles.Policies.Read,
        ["metrics.v1.IngestService/Publish"] = ForceRoles.Policies.Publish,
        ["metrics.v1.IngestService/PublishBatch"] = ForceRoles.Policies.Publish,
        ["metrics.v1.LiveService/Subscribe"] = ForceRoles.Policies.Read,
        ["metrics.v1.LiveService/GetSnapshot"] = ForceRoles.Policies.Read,
        ["metrics.v1.LiveService/RenewViewerToken"] = ForceRoles.Policies.Read,
    };

    public static TheoryData<string> Callers() => ["anonymous", "expired", "forged", "unsigned", "no role", .. ForceRoles.All];

    [Fact]
    public void EveryRpcHasAPolicy() =>
        Assert.Equal(PolicyByMethod.Keys.Order(), V1.Protocol.Rpcs.Select(Name).Order());

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task EveryRpcAnswersEachCallerAsItsRoleAllows(string caller)
    {
        var channel = server.CreateChannel(TokenOf(caller));
        var wrong = new List<string>();
        foreach (var rpc in V1.Protocol.Rpcs)
        {
            var (code, detail, reason) = await RawCalls.CallAsync(channel.CreateCallInvoker(), rpc, []);
            var allowed = ForceRoles.RolesFor(PolicyByMethod[Name(rpc)]).Contains(caller);
            var expected = caller switch
            {
                "anonymous" => (StatusCode.Unauthenticated, "a bearer token is required: send the header 'authorization: Bearer <token>'", "TOKEN_MISSING"),
                "expired" => (StatusCode.Unauthenticated, "the bearer token expired at", "TOKEN_EXPIRED"),
                "forged" or "unsigned" => (StatusCode.Unauthenticated, "the bearer token's signature is not from a key this server trusts", "TOKEN_INVALID"),
                _ when !allowed => (StatusCode.PermissionDenied, $"/{Name(rpc)} needs the role {string.Join(" or ", ForceRoles.RolesFor(PolicyByMethod[Name(rpc)]))}; the token ", "ROLE_REQUIRED"),
                _ => ((StatusCode?)null, "", ""),
            };
            var ok = expected.Item1 is { } refused
                ? code == refused && detail.StartsWith(expected.Item2, StringComparison.Ordinal) && reason == expected.Item3
                : code is not (StatusCode.Unauthenticated or StatusCode.PermissionDenied);
            if (!ok)
            {
                wrong.Add($"{Name(rpc)}: {code} '{detail}' ({reason}), expected {expected.Item1?.ToString() ?? "let through"} ({expected.Item3})");
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public async Task ARefusalNamesTheRolesTheTokenCarries()
    {
        var measures = new V1.MeasuresService.MeasuresServiceClient(server.CreateChannel(server.Token([ForceRoles.Viewer])));

        var refused = await Assert.ThrowsAsync<RpcException>(() => measures.DefineForceAsync(new V1.DefineForceRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal("/metrics.v1.MeasuresService/DefineForce needs the role admin; the token carries viewer", refused.Status.Detail);
    }

    [Fact]
    public async Task AViewerReadsTheFiguresAndAPublisherCannot()
    {
        var viewer = new V1.MeasuresService.MeasuresServiceClient(server.CreateChannel(server.Token([ForceRoles.Viewer])));
        var publisher = new V1.MeasuresService.MeasuresServiceClient(server.CreateChannel(server.Token([ForceRoles.Publisher])));
        var request = new V1.GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia" };

        var series = await viewer.GetSeriesAsync(request);
        var refused = await Assert.ThrowsAsync<RpcException>(() => publisher.GetSeriesAsync(request).ResponseAsync);

        Assert.Equal(7767, series.Points.Single(p => p.Label == "Mar 2019").Value);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Theory]
    [InlineData("someone-else", "metrics", "the bearer token is from an issuer this server does not trust")]
    [InlineData("metrics-server", "another-service", "the bearer token is for another audience")]
    public async Task ATokenFromAnotherIssuerOrForAnotherAudienceIsRefusedSayingWhich(string issuer, string audience, string expected)
    {
        var key = SigningKey.LoadOrCreate(server.DatabaseFile + ".key");
        var token = new TokenIssuer(key, issuer, audience).Issue("test", ForceRoles.All, TimeSpan.FromHours(1));

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            new V1.MeasuresService.MeasuresServiceClient(server.CreateChannel(token)).ListMeasuresAsync(new V1.ListMeasuresRequest()).ResponseAsync);

        Assert.Equal((StatusCode.Unauthenticated, expected), (refused.StatusCode, refused.Status.Detail));
    }

    [Fact]
    public async Task HealthAnswersAnyone()
    {
        var health = new Health.HealthClient(server.CreateChannel(token: null));

        var response = await health.CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task ReflectionIsOffUnlessConfigured()
    {
        var reflection = new ServerReflection.ServerReflectionClient(server.CreateChannel());
        using var call = reflection.ServerReflectionInfo();

        try
        {
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        }
        catch (RpcException)
        {
            // The server may answer before the request is written (seen once under load: the write
            // failed CANCELLED); what it answered is read below either way.
        }

        var off = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(default));

        Assert.Equal(StatusCode.Unimplemented, off.StatusCode);
    }

    [Fact]
    public async Task TheReportPageWantsAViewerInTheHeaderOrTheAddress()
    {
        using var http = server.CreateClient();
        var page = new Uri("/reports/west-mercia/2019-03.html", UriKind.Relative);
        var viewer = server.Token([ForceRoles.Viewer]);

        using var anonymous = await http.GetAsync(page);
        using var publisher = new HttpRequestMessage(HttpMethod.Get, page) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", server.Token([ForceRoles.Publisher])) } };
        using var refused = await http.SendAsync(publisher);
        using var header = new HttpRequestMessage(HttpMethod.Get, page) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", viewer) } };
        using var byHeader = await http.SendAsync(header);
        using var byAddress = await http.GetAsync(new Uri($"/reports/west-mercia/2019-03.html?access_token={viewer}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byHeader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byAddress.StatusCode);
        Assert.Contains("<title>Performance Summary – West Mercia", await byAddress.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private string? TokenOf(string caller) => caller switch
    {
        "anonymous" => null,
        "expired" => server.Token(ForceRoles.All, TimeSpan.FromHours(1), DateTimeOffset.UtcNow.AddHours(-2)),
        "forged" => new TokenIssuer(new SymmetricSecurityKey(new byte[32]), "metrics-server", "metrics").Issue("forger", ForceRoles.All, TimeSpan.FromHours(1)),
        "unsigned" => new JsonWebTokenHandler().CreateToken(
            $$"""{"iss":"metrics-server","aud":"metrics","sub":"forger","roles":["viewer","publisher","admin"],"exp":{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}"""),
        "no role" => server.Token([]),
        _ => server.Token([caller]),
    };

    private static string Name(MethodDescriptor rpc) => RawCalls.Name(rpc);
}
