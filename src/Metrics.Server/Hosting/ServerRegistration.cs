using System.Globalization;
using Metrics.Server.Analytics;
using Metrics.Server.Grpc;
using Metrics.Server.Limits;
using Metrics.Server.Live;
using Metrics.Server.Security;
using Metrics.Server.Telemetry;

namespace Metrics.Server.Hosting;

/// <summary>
/// Everything the server registers and maps, so that Program.cs stays a few lines: each group
/// beside its folder (the historical store, live operations, telemetry, the protocol edge, security).
/// </summary>
public static class ServerRegistration
{
    public static WebApplicationBuilder AddMetricsServer(this WebApplicationBuilder builder)
    {
        // One culture for every message, log and figure the server writes, whatever the host's locale.
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddHistoricalStore();
        services.AddLiveOperations();
        services.AddTelemetry(builder.Configuration);
        services.AddOptions<LimitOptions>().BindConfiguration(LimitOptions.SectionName)
            .Validate(
                o => o.MaxMessageBytes > 0 && o.MaxEventsPerBatch > 0 && o.MaxMonthsPerRequest > 0 && o.MaxSubscriptionsPerCaller > 0 && o.IngestEventsPerSecond > 0 && o.IngestBurst > 0,
                "every Limits setting must be more than zero")
            .ValidateOnStart();
        services.AddSingleton<CallerLimits>();
        services.AddProtocol(detailedErrors: builder.Environment.IsDevelopment());
        services.AddForceSecurity(builder.Configuration, builder.Environment.IsDevelopment());
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
        app.MapProtocol();
        app.MapReports().RequireAuthorization(ForceRoles.Policies.Read);

        // Operational counts only (no police data), for a scrape on the internal network.
        app.MapPrometheusScrapingEndpoint().AllowAnonymous();
        return app;
    }
}
