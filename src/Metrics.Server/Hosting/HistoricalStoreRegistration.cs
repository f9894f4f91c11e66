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
            .Validate(o => o.StartupWait >= TimeSpan.Zero, "Storage:StartupWait must not be negative")
            .ValidateOnStart();
        services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.SectionName);
        services.AddSingleton(sp => new Database(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<CatalogueRepository>();
        services.AddSingleton<ObservationRepository>();
        services.AddSingleton<ImportRepository>();
        services.AddSingleton<EventRepository>();
        services.AddSingleton<CaptureRepository>();
        services.AddSingleton<SeedLoader>();
        services.AddHostedService<StoragePreparation>();

        services.AddSingleton<CatalogueLookup>();
        services.AddSingleton<CatalogueDefinitions>();
        services.AddSingleton<HistoryQueries>();
        services.AddSingleton<AnalyticsQueries>();
        services.AddSingleton<ObservationImporter>();
        services.AddSingleton<StreetCrimeImporter>();
        return services;
    }
}
