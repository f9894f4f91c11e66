using System.Globalization;
using System.Reactive.Concurrency;
using Grpc.AspNetCore.Server;
using Grpc.Net.Client;
using Metrics.Live.Subscriptions;
using Metrics.Live.Windows;
using Metrics.Server.Analytics;
using Metrics.Server.Grpc;
using Metrics.Server.Grpc.Analytics;
using Metrics.Server.Grpc.Measures;
using Metrics.Server.History;
using Metrics.Server.Imports;
using Metrics.Server.Limits;
using Metrics.Server.Live;
using Metrics.Server.Security;
using Metrics.Server.Seeding;
using Metrics.Server.Telemetry;
using Metrics.Storage;
using Metrics.Storage.Engines;
using Metrics.Storage.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Metrics.Server.Hosting;

/// <summary>Everything the server registers and maps, so that Program.cs stays a few lines.</summary>
public static class ServerRegistration
{
    public static WebApplicationBuilder AddMetricsServer(this WebApplicationBuilder builder)
    {
        // One culture for every message, log and figure the server writes, whatever the host's locale.
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

        var services = builder.Services;
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName);
        services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.SectionName);
        services.AddSingleton(TimeProvider.System);

        services.AddSingleton(sp => new Database(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<CatalogueRepository>();
        services.AddSingleton<ObservationRepository>();
        services.AddSingleton<ImportRepository>();
        services.AddSingleton<EventRepository>();
        services.AddSingleton<CaptureRepository>();

        services.AddSingleton<CatalogueLookup>();
        services.AddSingleton<CatalogueDefinitions>();
        services.AddSingleton<HistoryQueries>();
        services.AddSingleton<AnalyticsQueries>();
        services.AddSingleton<ObservationImporter>();
        services.AddSingleton<StreetCrimeImporter>();
        services.AddSingleton<SeedLoader>();
        services.AddHostedService<StoragePreparation>();

        // Live operations: Rx takes its time from a scheduler (tests give a virtual one).
        services.AddOptions<LiveServiceOptions>().BindConfiguration(LiveServiceOptions.SectionName)
            .Validate(o => o.PublishEvery > TimeSpan.Zero && o.Heartbeat > TimeSpan.Zero && o.StallTimeout > TimeSpan.Zero, "Live:PublishEvery, Live:Heartbeat and Live:StallTimeout must be longer than zero")
            .ValidateOnStart();
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.SectionName);
        services.TryAddSingleton<IScheduler>(DefaultScheduler.Instance);
        services.AddSingleton(sp =>
        {
            var live = sp.GetRequiredService<IOptions<LiveServiceOptions>>().Value;
            var options = live.ToLiveOptions();
            var alerts = sp.GetRequiredService<IOptions<AlertOptions>>().Value.ToRules();
            return new LivePipeline(options, sp.GetRequiredService<IScheduler>(), live.PublishEvery, alerts, live.PublishAfterEventsWithin);
        });
        services.AddSingleton(sp =>
        {
            var feed = sp.GetRequiredService<LivePipeline>();
            var time = sp.GetRequiredService<TimeProvider>();
            return new LiveBroadcast(
                feed.Snapshots,
                feed.Snapshot(),
                sp.GetRequiredService<IOptions<LiveServiceOptions>>().Value.ReplayCapacity,
                LiveBroadcast.FirstSequenceAt(time.GetUtcNow()),
                time);
        });
        services.AddSingleton<StalledWrites>();
        services.AddSingleton<SharedUpdates>();
        services.AddSingleton<EventContracts>();
        services.AddSingleton<EventIngest>();
        services.AddHostedService<LiveRecovery>();
        services.AddHostedService<LiveHistoryCapture>();
        services.AddOptions<DemoFeedOptions>().BindConfiguration(DemoFeedOptions.SectionName);
        services.TryAddSingleton(sp => new DemoFeedChannel(() => GrpcChannel.ForAddress(sp.GetRequiredService<IOptions<DemoFeedOptions>>().Value.Server)));
        services.AddHostedService<DemoFeedPublisher>();

        services.AddSingleton<ServiceMetrics>();
        services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(ServiceMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddView("http.server.request.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [.. ServiceMetrics.LatencyBuckets] })
                .AddPrometheusExporter())
            .WithTracing(tracing =>
            {
                tracing.AddSource(ServiceTraces.SourceName).AddAspNetCoreInstrumentation();

                // Exported over OTLP when a collector is configured (the standard variable, or Telemetry:OtlpEndpoint).
                if (builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } || builder.Configuration["Telemetry:OtlpEndpoint"] is { Length: > 0 })
                {
                    tracing.AddOtlpExporter(otlp =>
                    {
                        if (builder.Configuration["Telemetry:OtlpEndpoint"] is { Length: > 0 } endpoint)
                        {
                            otlp.Endpoint = new Uri(endpoint);
                        }
                    });
                }
            });

        services.AddOptions<LimitOptions>().BindConfiguration(LimitOptions.SectionName);
        services.AddSingleton<CallerLimits>();
        services.AddGrpc(options =>
        {
            options.EnableDetailedErrors = builder.Environment.IsDevelopment();
            options.Interceptors.Add<FaultStatusInterceptor>();
        });
        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<LimitOptions>>((grpc, limits) => grpc.MaxReceiveMessageSize = limits.Value.MaxMessageBytes);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<global::Grpc.AspNetCore.Server.Model.IServiceMethodProvider<MeasuresService>, SharedResponseMethods>());
        services.AddGrpcReflection();
        services.AddForceSecurity(builder.Configuration, builder.Environment.IsDevelopment());
        // The default service ("") is readiness: the process and its store. "liveness" is the
        // process alone, for an orchestrator that should not restart servers when the store is
        // away (they answer UNAVAILABLE and recover), and an empty call for the load ceiling.
        services.AddGrpcHealthChecks(health => health.Services.Map(Metrics.Contracts.V1.Protocol.LivenessHealthService, check => check.Tags.Contains(Metrics.Contracts.V1.Protocol.LivenessHealthService)))
            .AddCheck("process", () => HealthCheckResult.Healthy("answering"), tags: [Metrics.Contracts.V1.Protocol.LivenessHealthService])
            .AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }

    public static WebApplication MapMetricsServer(this WebApplication app)
    {
        // The web port serves the browser pages and, through gRPC-Web, every service over HTTP/1.1.
        // The wall display lives at /wall/; keep the choice of areas and feeds when the slash is
        // missing (routing would match both, so this is a path check, not a route).
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.Value == "/wall")
            {
                context.Response.Redirect($"/wall/{context.Request.QueryString}");
                return;
            }

            await next();
        });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<UndecodableRequests>();
        app.MapGrpcService<MeasuresService>().Add(SharedResponseMethods.OrderFirst);
        app.MapGrpcService<AnalyticsService>();
        app.MapGrpcService<IngestService>();
        app.MapGrpcService<LiveService>();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        if (app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.Reflection)
        {
            app.MapGrpcReflectionService().AllowAnonymous();
        }

        app.MapReports().RequireAuthorization(ForceRoles.Policies.Read);

        // Operational counts only (no police data), for a scrape on the internal network.
        app.MapPrometheusScrapingEndpoint().AllowAnonymous();
        return app;
    }
}
