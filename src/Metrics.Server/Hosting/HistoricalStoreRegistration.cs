using Metrics.Server.Analytics;
using Metrics.Server.History;
using Metrics.Server.Imports;
using Metrics.Server.Seeding;
using Metrics.Storage;
using Metrics.Storage.Engines;
using Metrics.Storage.Repositories;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Hosting;

/// <summary>The historical store (SQLite or SQL Server), its preparation and seed, and the queries and commands that read and write it.</summary>
internal static class HistoricalStoreRegistration
{
    public static IServiceCollection AddHistoricalStore(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName)
            .Validate(
                o => Enum.IsDefined(o.Engine) && o.StartupWait >= TimeSpan.Zero && o.CommandTimeout > TimeSpan.Zero && o.BusyTimeout > TimeSpan.Zero,
                "Storage:Engine must be Sqlite or SqlServer, Storage:StartupWait not negative, Storage:CommandTimeout and Storage:BusyTimeout longer than zero")
            .ValidateOnStart();
        services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.SectionName)
            .Validate(o => o.Directory.Length == 0 || System.IO.Directory.Exists(o.Directory), "Seed:Directory must be a folder that exists, or empty for the seed beside the server")
            .ValidateOnStart();
        services.AddSingleton(sp => new Database(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<CatalogueRepository>();
        services.AddSingleton<ObservationRepository>();
        services.AddSingleton<ImportRepository>();
        services.AddSingleton<RequestRepository>();
        services.AddSingleton<ReportTemplateRepository>();
        services.AddSingleton<PublishedFigureRepository>();
        services.AddSingleton<EventRepository>();
        services.AddSingleton<CaptureRepository>();
        services.AddSingleton<SeedLoader>();
        services.AddHostedService<StoragePreparation>();

        services.AddSingleton<CatalogueLookup>();
        services.AddSingleton<CatalogueDefinitions>();
        services.AddSingleton<HistoryQueries>();
        services.AddSingleton<AnalyticsQueries>();
        services.AddSingleton<ReportTemplates>();
        services.AddSingleton<ObservationImporter>();
        services.AddSingleton<StreetCrimeImporter>();
        services.AddSingleton<FigureCorrections>();
        return services;
    }
}
