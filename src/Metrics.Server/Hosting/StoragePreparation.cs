using Metrics.Server.Seeding;
using Metrics.Storage;
using Metrics.Storage.Engines;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Hosting;

/// <summary>
/// Creates, migrates and seeds the historical store when the host starts, before the server
/// listens, so that the first call finds a ready store. A store that cannot be reached yet (a
/// server still starting, a database still recovering) is waited for up to Storage:StartupWait;
/// after that the server does not start, and says which store and why. First, the data directory
/// is made its owner's alone (<see cref="OwnerOnlyFiles"/>).
/// </summary>
internal sealed partial class StoragePreparation(
    Database database, SeedLoader seed, IOptions<StorageOptions> options, ILogger<StoragePreparation> logger) : IHostedService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // When the store is the data directory's SQLite file (its key and tokens are made owner-only as they are written).
        var dataDirectory = Path.GetFullPath(options.Value.DataDirectory);
        if (options.Value is { Engine: DatabaseEngine.Sqlite, ConnectionString: "" } && OwnerOnlyFiles.Tighten(dataDirectory) is { Count: > 0 } opened)
        {
            MadeOwnerOnly(logger, opened.Count, dataDirectory);
        }

        var waited = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<string> notices;
        while (true)
        {
            try
            {
                notices = Migrations.Apply(database, options.Value.CreateDatabase);
                break;
            }
            catch (Exception e) when (StoreFaults.IsUnavailable(e, out var reason))
            {
                if (waited.Elapsed + RetryEvery > options.Value.StartupWait)
                {
                    throw new StoreUnreachableException(
                        $"The historical store ({database.Description}) cannot be reached: {reason}. Waited {waited.Elapsed.TotalSeconds:0} s "
                        + "(Storage:StartupWait); check Storage:ConnectionString and that the server is running and accepts this login.",
                        e);
                }

                Waiting(logger, database.Description, reason);
                await Task.Delay(RetryEvery, cancellationToken);
            }
            catch (System.Data.Common.DbException e)
            {
                // Not worth waiting for (a login refused, a database that may not be made): say so now.
                throw new StoreUnreachableException($"The historical store ({database.Description}) cannot be used: {e.Message}", e);
            }
        }

        foreach (var notice in notices)
        {
            Notice(logger, notice);
        }

        Ready(logger, database.Description);
        await seed.LoadAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Historical store: {Store}")]
    private static partial void Ready(ILogger logger, string store);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Historical store ({Store}) not reachable yet, trying again: {Reason}")]
    private static partial void Waiting(ILogger logger, string store, string reason);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "{Count} files and folders in {DataDirectory} could be read by other accounts on this machine; they are now its owner's alone")]
    private static partial void MadeOwnerOnly(ILogger logger, int count, string dataDirectory);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "{Notice}")]
    private static partial void Notice(ILogger logger, string notice);
}

/// <summary>The store could not be reached at start within the wait allowed: the server does not start.</summary>
internal sealed class StoreUnreachableException(string message, Exception inner) : Exception(message, inner);
