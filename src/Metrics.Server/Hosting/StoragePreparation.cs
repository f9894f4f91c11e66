using Metrics.Server.Seeding;
using Metrics.Storage.Engines;

namespace Metrics.Server.Hosting;

/// <summary>
/// Creates, migrates and seeds the historical store when the host starts, before the server
/// listens, so that the first call finds a ready store.
/// </summary>
internal sealed class StoragePreparation(Database database, SeedLoader seed) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Migrations.Apply(database);
        await seed.LoadAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
