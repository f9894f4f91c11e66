using BenchmarkDotNet.Attributes;
using Metrics.Domain.Operations;
using Metrics.Live.Simulation;
using Metrics.Storage;
using Metrics.Storage.Engines;
using Metrics.Storage.Repositories;
using Microsoft.Data.Sqlite;

namespace Metrics.Benchmarks;

/// <summary>
/// Durable ingest against its ceiling on the same engine (SQLite, a fresh file each iteration):
/// the repository's store (look up the batch's ids for repeats, insert, read back the sequence
/// numbers, commit) against a raw bulk insert of the same rows (one prepared INSERT, a
/// transaction per batch, nothing else). Events per second = Events / mean.
/// </summary>
[MemoryDiagnoser]
public class IngestBenchmarks
{
    private const int BatchSize = 5000;
    private OperationalEvent[] _events = [];
    private string _file = "";

    [Params(100_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Each event its own id: the repeats of the scenario are new events here.
        _events = [.. DemoEvents.Repeated(Events).Select((e, i) => e with { EventId = $"e{i}" })];
    }

    [IterationSetup]
    public void FreshDatabase()
    {
        _file = Path.Combine(Path.GetTempPath(), $"metrics-bench-{Guid.NewGuid():N}.db");
        Migrations.Apply(Database());
    }

    [IterationCleanup]
    public void RemoveDatabase()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_file + suffix);
        }
    }

    [Benchmark(Description = "EventRepository.StoreAsync, batches of 5,000")]
    public async Task<int> DurableIngest()
    {
        var repository = new EventRepository(Database());
        var stored = 0;
        foreach (var batch in _events.Chunk(BatchSize))
        {
            stored += (await repository.StoreAsync([.. batch.Select(e => (e, false))], DateTimeOffset.UtcNow, CancellationToken.None)).Stored.Count;
        }

        return stored;
    }

    [Benchmark(Baseline = true, Description = "Raw bulk insert, prepared, a transaction per 5,000")]
    public async Task<int> RawBulkInsert()
    {
        await using var connection = (SqliteConnection)await Database().OpenAsync(CancellationToken.None);
        var stored = 0;
        foreach (var batch in _events.Chunk(BatchSize))
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = EventRepository.InsertEvent;
            var parameters = new[] { "@EventId", "@Kind", "@OccurredAtMs", "@ReceivedAtMs", "@Late", "@SubjectId", "@Line", "@AreaCode", "@Grade", "@WaitMs" }
                .Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
            insert.Prepare();
            var receivedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var e in batch)
            {
                var (kind, subject, line, area, grade, wait) = Row(e);
                object?[] values = [e.EventId, kind, e.OccurredAt.ToUnixTimeMilliseconds(), receivedAt, false, subject, line, area, grade, wait];
                for (var i = 0; i < values.Length; i++)
                {
                    parameters[i].Value = values[i] ?? DBNull.Value;
                }

                stored += await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        return stored;
    }

    private Database Database() => new(new StorageOptions { ConnectionString = $"Data Source={_file}" });

    private static (int Kind, string Subject, int? Line, string? Area, int? Grade, long? WaitMs) Row(OperationalEvent e) => e switch
    {
        CallOffered c => (1, c.CallId, (int)c.Line, null, null, null),
        CallAnswered c => (2, c.CallId, (int)c.Line, null, null, (long)c.Wait.TotalMilliseconds),
        CallAbandoned c => (3, c.CallId, (int)c.Line, null, null, (long)c.Wait.TotalMilliseconds),
        IncidentOpened i => (4, i.IncidentId, null, i.AreaCode, (int)i.Grade, null),
        IncidentResourced i => (5, i.IncidentId, null, null, null, null),
        IncidentAttended i => (6, i.IncidentId, null, null, null, null),
        IncidentClosed i => (7, i.IncidentId, null, null, null, null),
        IntelligenceSubmitted r => (8, r.ReportId, null, r.AreaCode, null, null),
        IntelligenceProcessed r => (9, r.ReportId, null, null, null, null),
        _ => throw new ArgumentOutOfRangeException(nameof(e)),
    };
}
