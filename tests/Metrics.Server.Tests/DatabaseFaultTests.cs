using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Metrics.Contracts.V1;
using Metrics.Storage.Repositories;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Server.Tests;

/// <summary>
/// The SQLite store locked by another writer, or gone: calls answer UNAVAILABLE soon (the store's
/// busy timeout, not the caller's deadline), nothing is acknowledged that was not stored, and the
/// server carries on by itself when the store is back.
/// </summary>
public sealed class DatabaseFaultTests : IDisposable
{
    private readonly MetricsServerFactory _server = new() { Settings = { ["Storage:BusyTimeout"] = "00:00:01" } };

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task AStoreLockedByAnotherWriterRefusesWritesAtOnceAndStillAnswersReads()
    {
        var ingest = new IngestService.IngestServiceClient(_server.CreateChannel());
        var measures = _server.Measures();
        var health = new Health.HealthClient(_server.CreateChannel());
        var before = await ingest.PublishBatchAsync(Batch("before", 3));
        var incidentsBefore = await OpenIncidentsAsync();

        RpcException refused;
        TimeSpan refusedAfter;
        ListImportsResponse read;
        HealthCheckResponse.Types.ServingStatus readinessWhileLocked, livenessWhileLocked;
        await using (var writer = new SqliteConnection($"Data Source={_server.DatabaseFile};Pooling=False"))
        {
            await writer.OpenAsync();
            using var transaction = writer.BeginTransaction(deferred: false);

            // A deadline far longer than the store's busy timeout (1 s): an answer well before it is
            // the store's refusal, not a hang ended by the deadline.
            var asked = System.Diagnostics.Stopwatch.StartNew();
            refused = await Assert.ThrowsAsync<RpcException>(() => ingest.PublishBatchAsync(Batch("during", 3), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
            refusedAfter = asked.Elapsed;
            read = await measures.ListImportsAsync(new ListImportsRequest(), deadline: DateTime.UtcNow.AddSeconds(30));

            // Reads answer, writes cannot: not ready (a load balancer sends callers elsewhere), but alive.
            readinessWhileLocked = (await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30))).Status;
            livenessWhileLocked = (await health.CheckAsync(new HealthCheckRequest { Service = Protocol.LivenessHealthService }, deadline: DateTime.UtcNow.AddSeconds(30))).Status;
        }

        var readinessAfter = (await health.CheckAsync(new HealthCheckRequest())).Status;

        var incidentsAfterRefusal = await OpenIncidentsAsync();
        var retried = await ingest.PublishBatchAsync(Batch("during", 3));

        Assert.Equal(3, before.Acknowledgement.Accepted);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal("the historical store is unavailable (the database file is locked); this request was not stored or answered: retry", refused.Status.Detail);
        Assert.Equal(("STORE_UNAVAILABLE", TimeSpan.FromSeconds(1)), (ErrorRead.Reason(refused), ErrorRead.RetryDelay(refused)));
        Assert.True(refusedAfter < TimeSpan.FromSeconds(15), $"refused after {refusedAfter.TotalSeconds:0.0} s: the store's 1 s busy timeout, not the 30 s deadline, should end the wait");
        Assert.NotEmpty(read.Imports);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, readinessWhileLocked);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, livenessWhileLocked);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, readinessAfter);
        Assert.Equal(incidentsBefore, incidentsAfterRefusal); // nothing of the refused batch reached the live figures
        Assert.Equal((3, 0), (retried.Acknowledgement.Accepted, retried.Acknowledgement.Duplicates)); // nor the store
        Assert.Equal(["before-0", "before-1", "before-2", "during-0", "during-1", "during-2"], await StoredEventIdsAsync());
    }

    [Fact]
    public async Task AStoreThatIsGoneAnswersUnavailableAndTheServerRecoversWhenItReturns()
    {
        var ingest = new IngestService.IngestServiceClient(_server.CreateChannel());
        var measures = _server.Measures();
        var health = new Health.HealthClient(_server.CreateChannel());
        await ingest.PublishBatchAsync(Batch("before", 3));

        RpcException ingestRefused, importsRefused;
        HealthCheckResponse.Types.ServingStatus healthWhileGone, livenessWhileGone;
        using (FileGone())
        {
            ingestRefused = await Assert.ThrowsAsync<RpcException>(() => ingest.PublishBatchAsync(Batch("during", 3), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
            importsRefused = await Assert.ThrowsAsync<RpcException>(() => measures.ListImportsAsync(new ListImportsRequest(), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
            healthWhileGone = (await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30))).Status;
            livenessWhileGone = (await health.CheckAsync(new HealthCheckRequest { Service = Protocol.LivenessHealthService }, deadline: DateTime.UtcNow.AddSeconds(30))).Status;
        }

        var retried = await ingest.PublishBatchAsync(Batch("during", 3));
        var imports = await measures.ListImportsAsync(new ListImportsRequest());
        var healthAfter = (await health.CheckAsync(new HealthCheckRequest())).Status;

        Assert.Equal(StatusCode.Unavailable, ingestRefused.StatusCode);
        Assert.Equal("the historical store is unavailable (the database file cannot be opened); this request was not stored or answered: retry", ingestRefused.Status.Detail);
        Assert.Equal(StatusCode.Unavailable, importsRefused.StatusCode);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, healthWhileGone);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, livenessWhileGone);
        Assert.Equal(3, retried.Acknowledgement.Accepted);
        Assert.NotEmpty(imports.Imports);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, healthAfter);
        Assert.Equal(["before-0", "before-1", "before-2", "during-0", "during-1", "during-2"], await StoredEventIdsAsync());
    }

    /// <summary>
    /// The file moved away and a folder in its place (so that nothing creates an empty database
    /// there), with the pooled connections closed, as a lost mount would; put back on dispose.
    /// </summary>
    private Restore FileGone()
    {
        SqliteConnection.ClearAllPools();
        var files = new[] { "", "-wal", "-shm" }.Select(suffix => _server.DatabaseFile + suffix).Where(File.Exists).ToList();
        foreach (var file in files)
        {
            File.Move(file, file + ".away");
        }

        Directory.CreateDirectory(_server.DatabaseFile);
        return new Restore(() =>
        {
            Directory.Delete(_server.DatabaseFile);
            foreach (var file in files)
            {
                File.Move(file + ".away", file);
            }
        });
    }

    private async Task<List<string>> StoredEventIdsAsync() =>
        await _server.Services.GetRequiredService<EventRepository>().ReadAfterAsync(0, CancellationToken.None).Select(e => e.Event.EventId).ToListAsync();

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    private async Task<int> OpenIncidentsAsync()
    {
        var live = new LiveService.LiveServiceClient(_server.CreateChannel());
        var snapshot = await live.GetSnapshotAsync(new GetSnapshotRequest { Feeds = { LiveFeed.Incidents } });
        return snapshot.Figures.Where(f => f.Key.StartsWith("unresourced/force/", StringComparison.Ordinal)).Sum(f => f.Unresourced.Count);
    }

    private static PublishBatchRequest Batch(string prefix, int count)
    {
        var batch = new PublishBatchRequest();
        batch.Events.Add(Enumerable.Range(0, count).Select(i => new OperationalEvent
        {
            Source = "test-system",
            EventId = $"{prefix}-{i}",
            OccurredAt = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start.AddSeconds(-10 + i)),
            IncidentOpened = new IncidentOpened { IncidentId = $"{prefix}-incident-{i}", AreaCode = "shropshire", Grade = IncidentGrade.Priority },
        }));
        return batch;
    }
}
