using System.Security.Claims;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Metrics.Server.Tests;

/// <summary>
/// What a request may ask of the server (issue 16, items 5-7): repeated fields de-duplicated and
/// capped, text capped, refusals that quote a short prefix, and tokens the server will not take
/// however well signed.
/// </summary>
public sealed class RequestBoundsTests(MetricsServerFactory server) : IClassFixture<MetricsServerFactory>
{
    private static readonly Contracts.V1.YearMonth March2019 = new() { Year = 2019, Month = 3 };

    [Fact]
    public async Task AMeasureAskedForOverAndOverIsOneRowAndTooManyMeasuresAreRefusedNamingTheLimit()
    {
        var measures = server.Measures();
        var repeated = new GetAreaComparisonRequest { ForceCode = "west-mercia", Month = March2019 };
        repeated.MeasureIds.Add(Enumerable.Repeat("robbery", 150_000));
        var many = new GetAreaComparisonRequest { ForceCode = "west-mercia", Month = March2019 };
        many.MeasureIds.Add(Enumerable.Range(0, 1001).Select(i => $"measure-{i}"));

        var answered = await measures.GetAreaComparisonAsync(repeated);
        var refused = await Assert.ThrowsAsync<RpcException>(() => measures.GetAreaComparisonAsync(many).ResponseAsync);

        Assert.Equal(["robbery"], answered.Rows.Select(r => r.Measure.Id));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("measure_ids: holds 1,001 values; the most is 1,000 (Limits:MaxValuesPerField)", refused.Status.Detail);
    }

    [Fact]
    public async Task NoResponseIsLargerThanTheLargestRequestTheServerReads()
    {
        await using var small = new MetricsServerFactory { Settings = { ["Limits:MaxMessageBytes"] = "2000" } };

        var refused = await Assert.ThrowsAsync<RpcException>(() => small.Measures().ListMeasuresAsync(new ListMeasuresRequest()).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("exceeds the maximum configured message size", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALongAreaCodeIsRefusedOrQuotedShortNeverEchoedWhole()
    {
        var live = new LiveService.LiveServiceClient(server.CreateChannel());
        var huge = new GetSnapshotRequest { AreaCodes = { new string('x', 70_000) } };
        var longUnknown = new GetSnapshotRequest { AreaCodes = { new string('y', 4_000) } };
        var subscribeHuge = new SubscribeRequest { AreaCodes = { "shropshire", new string('z', 1_000_000) } };

        var tooLong = await Assert.ThrowsAsync<RpcException>(() => live.GetSnapshotAsync(huge).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => live.GetSnapshotAsync(longUnknown).ResponseAsync);
        var streamed = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = live.Subscribe(subscribeHuge);
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });

        Assert.Equal((StatusCode.InvalidArgument, "area_codes[0]: is 70,000 characters; the most is 4,096 (Limits:MaxTextLength)"), (tooLong.StatusCode, tooLong.Status.Detail));
        Assert.Equal((StatusCode.NotFound, $"area '{new string('y', 40)}…' does not exist"), (unknown.StatusCode, unknown.Status.Detail));
        Assert.Equal((StatusCode.InvalidArgument, "area_codes[1]: is 1,000,000 characters; the most is 4,096 (Limits:MaxTextLength)"), (streamed.StatusCode, streamed.Status.Detail));
    }

    [Fact]
    public async Task AStreamedRowWithTooLongATextRefusesTheImportAndStoresNothing()
    {
        var measures = server.Measures();
        var before = (await measures.ListImportsAsync(new ListImportsRequest())).Imports.Count;
        using var call = measures.ImportObservations();
        await call.RequestStream.WriteAsync(new ImportObservationsRequest { Header = new ObservationImportHeader { ForceCode = "west-mercia", Source = "long.csv" } });
        await call.RequestStream.WriteAsync(new ImportObservationsRequest
        {
            Row = new ObservationRow { MeasureId = "robbery", Area = "shropshire", Month = March2019, Value = 1, BreakdownPath = { new string('b', 5_000) } },
        });

        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await call.RequestStream.CompleteAsync();
            await call.ResponseAsync;
        });

        Assert.Equal((StatusCode.InvalidArgument, "row.breakdown_path[0]: is 5,000 characters; the most is 4,096 (Limits:MaxTextLength)"), (refused.StatusCode, refused.Status.Detail));
        Assert.Equal(before, (await measures.ListImportsAsync(new ListImportsRequest())).Imports.Count);
    }

    [Fact]
    public async Task ATokenLastingLongerThanTheMostIsRefusedSayingSo()
    {
        var hundredYears = server.Token(ForceRoles.All, TimeSpan.FromDays(36_500));
        var month = server.Token(ForceRoles.All, TimeSpan.FromDays(30));

        var refused = await Assert.ThrowsAsync<RpcException>(() => ListWith(hundredYears));
        var accepted = await ListWith(month);

        Assert.Equal((StatusCode.Unauthenticated, "the bearer token lasts 36,500 days; the most this server accepts is 31 days (Security:MaxTokenLifetime)"), (refused.StatusCode, refused.Status.Detail));
        Assert.NotEmpty(accepted.Measures);
    }

    [Fact]
    public async Task ATokenWithAnUnknownCriticalHeaderOrNoSubjectIsRefused()
    {
        var critical = Signed(new Dictionary<string, object> { ["crit"] = new[] { "exp-policy" }, ["exp-policy"] = "strict" }, subject: "test");
        var nobody = Signed(new Dictionary<string, object>(), subject: null);
        var plain = Signed(new Dictionary<string, object>(), subject: "test");

        var criticalRefused = await Assert.ThrowsAsync<RpcException>(() => ListWith(critical));
        var nobodyRefused = await Assert.ThrowsAsync<RpcException>(() => ListWith(nobody));
        var accepted = await ListWith(plain);

        Assert.Equal((StatusCode.Unauthenticated, "the bearer token names critical header parameters (crit) this server does not understand"), (criticalRefused.StatusCode, criticalRefused.Status.Detail));
        Assert.Equal((StatusCode.Unauthenticated, "the bearer token has no subject (sub); every caller is told apart by its subject"), (nobodyRefused.StatusCode, nobodyRefused.Status.Detail));
        Assert.NotEmpty(accepted.Measures);
    }

    private async Task<ListMeasuresResponse> ListWith(string token) =>
        await new MeasuresService.MeasuresServiceClient(server.CreateChannel(token)).ListMeasuresAsync(new ListMeasuresRequest());

    /// <summary>A token signed by the server's own key, with these extra header parameters.</summary>
    private string Signed(Dictionary<string, object> header, string? subject)
    {
        var key = SigningKey.LoadOrCreate(server.DatabaseFile + ".key");
        var claims = ForceRoles.All.Select(role => new Claim(ForceRoles.ClaimType, role)).ToList();
        if (subject is not null)
        {
            claims.Add(new Claim(JwtRegisteredClaimNames.Sub, subject));
        }

        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "metrics-server",
            Audience = "metrics",
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            AdditionalHeaderClaims = header,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
