using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Metrics.Server.Telemetry;

/// <summary>Where traces go besides the process: an OTLP collector. Bound from "Telemetry".</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>An OTLP collector's address; empty to export only when OTEL_EXPORTER_OTLP_ENDPOINT is set.</summary>
    public string OtlpEndpoint { get; set; } = string.Empty;
}

/// <summary>The service's own counters and histograms (scraped at /metrics), runtime and request metrics, and traces.</summary>
internal static class TelemetryRegistration
{
    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = options.OtlpEndpoint.Length > 0 || configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 };
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
                if (otlp)
                {
                    // The exporter reads the standard variable itself; Telemetry:OtlpEndpoint overrides it.
                    tracing.AddOtlpExporter(exporter =>
                    {
                        if (options.OtlpEndpoint.Length > 0)
                        {
                            exporter.Endpoint = new Uri(options.OtlpEndpoint);
                        }
                    });
                }
            });
        return services;
    }
}
