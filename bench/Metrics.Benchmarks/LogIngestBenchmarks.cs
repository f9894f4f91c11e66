using BenchmarkDotNet.Attributes;
using Metrics.Domain.Operations;
using Metrics.Live.Windows;
using Metrics.Server.Live.JetStream;
using Metrics.Storage;
using Metrics.Storage.Engines;
using Metrics.Storage.Repositories;
using Metrics.Tests.Shared;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NATS.Client.JetStream;

namespace Metrics.Benchmarks;

/// <summary>
/// Ingest through the shared log (Live:Log JetStream) against its ceiling, on a real three-node
/// nats-server cluster on loopback (a stream with three copies on file storage, as replicas
/// run it): the server's append (the batch checked against the store, each event one message
/// identified by its source and id, started in order, acknowledged once a majority hold it)
/// against the raw way to make the same rows durable in the same stream: the same messages,
/// with the same ids, published and their acknowledgements awaited the same way, nothing
/// checked. A fresh stream each iteration. Beside them in bench/run.sh's table: the store's raw
/// ceiling (IngestBenchmarks).
/// </summary>
[MemoryDiagnoser]
public class LogIngestBenchmarks
{
    private const int BatchSize = 5000;
    private NatsCluster? _cluster;
    private JetStreamLog? _log;
    private JetStreamEventLog? _append;
    private OperationalEvent[] _events = [];
    private string _file = "";
    private int _iteration;

    [Params(100_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = [.. DemoEvents.Repeated(Events).Select((e, i) => e with { EventId = $"e{i}" })];
        _cluster = NatsCluster.StartAsync().GetAwaiter().GetResult();
        _file = Path.Combine(Path.GetTempPath(), $"metrics-bench-{Guid.NewGuid():N}.db");
        var database = new Database(new StorageOptions { ConnectionString = $"Data Source={_file}" });
        Migrations.Apply(database);
        var options = Options.Create(new JetStreamOptions { Servers = _cluster.Servers, Replicas = 3, AppendTimeout = TimeSpan.FromSeconds(30) });
        _log = new JetStreamLog(options, NullLoggerFactory.Instance);
        var pipeline = new LivePipeline(new LiveOptions(), System.Reactive.Concurrency.Scheduler.Default, TimeSpan.FromSeconds(1));
        _append = new JetStreamEventLog(_log, new LogTime(TimeProvider.System, options), new EventRepository(database), pipeline, TimeProvider.System);
    }

    [IterationSetup]
    public void FreshStream()
    {
        // A stream of its own each iteration: the ids of the last one are not repeats in this one.
        _iteration++;
        _log!.Options.Stream = $"BENCH_{_iteration}";
        _log.EnsureStreamAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void RemoveStream() => _log!.Context.DeleteStreamAsync(_log.Options.Stream).AsTask().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _log!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _cluster!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_file + suffix);
        }
    }

    [Benchmark(Description = "JetStreamEventLog.AppendAsync, batches of 5,000, three copies")]
    public async Task<int> AppendThroughTheLog()
    {
        var appended = 0;
        foreach (var batch in _events.Chunk(BatchSize))
        {
            appended += (await _append!.AppendAsync(batch, CancellationToken.None)).Appended.Count;
        }

        return appended;
    }

    [Benchmark(Baseline = true, Description = "Raw JetStream publish of the same messages, acknowledgements awaited a batch at a time")]
    public async Task<int> RawPublish()
    {
        var published = 0;
        var loggedAt = DateTimeOffset.UtcNow;
        foreach (var batch in _events.Chunk(BatchSize))
        {
            var futures = new List<NatsJSPublishConcurrentFuture>(batch.Length);
            foreach (var e in batch)
            {
                futures.Add(await _log!.StartAppendAsync(e, false, loggedAt, endsBatch: false, CancellationToken.None));
            }

            foreach (var future in futures)
            {
                published += (await future.GetResponseAsync()).Duplicate ? 0 : 1;
                await future.DisposeAsync();
            }
        }

        return published;
    }
}
