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
    /// <summary>The most bytes of request headers, a bearer token included.</summary>
    public const int MaxRequestHeaderBytes = 128 * 1024;

    /// <summary>
    /// Where the server finds its settings, pages and seed: beside its own binary, wherever it is
    /// started from (a unit file, a script, another folder), not the working directory that
    /// ASP.NET would otherwise take. ASPNETCORE_CONTENTROOT still chooses another, and a host
    /// that runs the server inside itself (the tests' factory) chooses its own.
    /// </summary>
    public static string? ContentRoot() =>
        Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is { Length: > 0 }
        || Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT") is { Length: > 0 }
        || System.Reflection.Assembly.GetEntryAssembly() != typeof(ServerRegistration).Assembly
            ? null
            : AppContext.BaseDirectory;

    public static WebApplicationBuilder AddMetricsServer(this WebApplicationBuilder builder)
    {
        // One culture for every message, log and figure the server writes, whatever the host's locale.
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

        // Room for a large bearer token (a provider's, with many groups) so that an unusable one
        // is refused by authentication with a reason, not reset by the transport (16 KiB is
        // HTTP/2's default field size). Above this, the connection refuses the headers.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestHeadersTotalSize = MaxRequestHeaderBytes;
            kestrel.Limits.Http2.MaxRequestHeaderFieldSize = MaxRequestHeaderBytes;
        });

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddHistoricalStore();
        services.AddLiveOperations(builder.Configuration);
        services.AddTelemetry(builder.Configuration);
        services.AddOptions<LimitOptions>().BindConfiguration(LimitOptions.SectionName)
            .Validate(
                o => o.MaxMessageBytes > 0 && o.MaxEventsPerBatch > 0 && o.MaxValuesPerField > 0 && o.MaxTextLength > 0 && o.MaxMonthsPerRequest > 0 && o.MaxSubscriptionsPerCaller > 0 && o.IngestEventsPerSecond > 0 && o.IngestBurst > 0,
                "every Limits setting must be more than zero")
            .ValidateOnStart();
        services.AddSingleton<CallerLimits>();
        services.AddProtocol(detailedErrors: builder.Environment.IsDevelopment());
        services.AddForceSecurity(builder.Configuration, builder.Environment.IsDevelopment());
        return builder;
    }

    public static WebApplication MapMetricsServer(this WebApplication app)
    {
        SettingsFiles.Report(app.Configuration, app.Logger);

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

        // The pages name no icon; a browser that asks anyway is told there is none, not that it needs a token.
        app.MapGet("/favicon.ico", () => Results.NotFound()).AllowAnonymous();

        // Operational counts only (no police data), for a scrape on the internal network.
        app.MapPrometheusScrapingEndpoint().AllowAnonymous();
        return app;
    }
}
