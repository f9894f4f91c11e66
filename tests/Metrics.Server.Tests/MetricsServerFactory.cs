using Grpc.Net.Client;
using Metrics.Contracts.V1;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Metrics.Server.Tests;

/// <summary>The whole server in memory, on a private SQLite file, migrated and seeded as on a first start.</summary>
public sealed class MetricsServerFactory : WebApplicationFactory<Program>
{
    private readonly string databaseFile = Path.Combine(Path.GetTempPath(), $"metrics-server-test-{Guid.NewGuid():N}.db");

    public GrpcChannel CreateChannel() =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    public MeasuresService.MeasuresServiceClient Measures() => new(CreateChannel());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:ConnectionString", $"Data Source={databaseFile}");
    }
}
