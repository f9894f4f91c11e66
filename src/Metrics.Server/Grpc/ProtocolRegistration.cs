using Grpc.AspNetCore.Server;
using Grpc.Net.Client;
using Metrics.Server.Grpc.Analytics;
using Metrics.Server.Grpc.Ingest;
using Metrics.Server.Grpc.Live;
using Metrics.Server.Grpc.Measures;
using Metrics.Server.Hosting;
using Metrics.Server.Limits;
using Metrics.Server.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc;

/// <summary>The protocol edge: the four services, their interceptor and limits, health, reflection, and the demo publisher (a client of the ingest RPC).</summary>
internal static class ProtocolRegistration
{
    public static IServiceCollection AddProtocol(this IServiceCollection services, bool detailedErrors)
    {
        services.AddGrpc(options =>
        {
            options.EnableDetailedErrors = detailedErrors;
            options.Interceptors.Add<FaultStatusInterceptor>();
            options.Interceptors.Add<RequestBoundsInterceptor>();
        });
        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<LimitOptions>>((grpc, limits) =>
        {
            // No response is larger than the largest request the server reads.
            grpc.MaxReceiveMessageSize = limits.Value.MaxMessageBytes;
            grpc.MaxSendMessageSize = limits.Value.MaxMessageBytes;
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<global::Grpc.AspNetCore.Server.Model.IServiceMethodProvider<MeasuresService>, SharedResponseMethods>());
        services.AddSingleton<SharedUpdates>();
        services.AddSingleton<RequestRepeats>();
        services.AddGrpcReflection();

        // The default service ("") is readiness: the process and its store. "liveness" is the
        // process alone, for an orchestrator that should not restart servers when the store is
        // away (they answer UNAVAILABLE and recover), and an empty call for the load ceiling.
        services.AddGrpcHealthChecks(health => health.Services.Map(V1.Protocol.LivenessHealthService, check => check.Tags.Contains(V1.Protocol.LivenessHealthService)))
            .AddCheck("process", () => HealthCheckResult.Healthy("answering"), tags: [V1.Protocol.LivenessHealthService])
            .AddCheck<DatabaseHealthCheck>("database");

        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.SectionName)
            .PostConfigure<IConfiguration>((demo, configuration) => demo.Server = demo.Server.Length > 0 ? demo.Server : DemoOptions.ServerAt(configuration["Kestrel:Endpoints:Grpc:Url"]))
            .Validate(o => !o.Enabled || (o.ForceCode.Length > 0 && o.WarmHours >= 0 && Uri.IsWellFormedUriString(o.Server, UriKind.Absolute)), "Demo: ForceCode must be set, WarmHours not negative and Server an absolute address")
            .ValidateOnStart();
        services.TryAddSingleton(sp => new DemoChannel(() => GrpcChannel.ForAddress(sp.GetRequiredService<IOptions<DemoOptions>>().Value.Server)));
        services.AddHostedService<DemoPublisher>();
        return services;
    }

    public static WebApplication MapProtocol(this WebApplication app)
    {
        app.MapGrpcService<MeasuresService>().Add(SharedResponseMethods.OrderFirst);
        app.MapGrpcService<AnalyticsService>();
        app.MapGrpcService<IngestService>();
        app.MapGrpcService<LiveService>();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        if (app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.Reflection)
        {
            app.MapGrpcReflectionService().AllowAnonymous();
        }

        return app;
    }
}
