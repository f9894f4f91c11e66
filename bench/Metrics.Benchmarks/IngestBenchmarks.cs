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
/// the repository's store (the batch as one JSON array of rows, each inserted unless its id is
/// stored, sequence numbers read back, commit) against the two raw ways to make the same rows
/// durable, nothing checked and nothing read back: the same JSON array in one statement, and a
/// plain prepared insert reused for each row, a transaction a batch. The ceiling is the faster of
/// the two in the same run (bench/run.sh's table takes it). Events per second = Events / mean.
/// </summary>
[MemoryDiagnoser]
public class IngestBenchmarks
{
    private const int BatchSize = 5000;

    /// <summary>The rows straight in: no check for ids stored before, nothing returned.</summary>
    private static readonly string RawInsert = $"""
        INSERT INTO operational_event ({string.Join(", ", SqlDialect.EventColumns)})
        SELECT {string.Join(", ", SqlDialect.EventColumns.Select((_, i) => $"value ->> {i}"))}
        FROM json_each(@Rows);
        """;
    private OperationalEvent[] _events = [];

    /// <summary>Each event's column values, made once before timing: the prepared insert's ceiling pays only for inserting.</summary>
    private object[][] _rows = [];
    private string _file = "";

    [Params(100_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Each event its own id: the repeats of the scenario are new events here.
        _events = [.. DemoEvents.Repeated(Events).Select((e, i) => e with { EventId = $"e{i}" })];
        var receivedAt = DateTimeOffset.UtcNow;
        _rows = [.. _events.Select(e =>
        {
            using var row = System.Text.Json.JsonDocument.Parse(EventRepository.EncodeRow(e, false, receivedAt));
            return row.RootElement.EnumerateArray().Select(v => v.ValueKind switch
            {
                System.Text.Json.JsonValueKind.Null => DBNull.Value,
                System.Text.Json.JsonValueKind.Number => (object)v.GetInt64(),
                _ => v.GetString()!,
            }).ToArray();
        })];
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

    [Benchmark(Baseline = true, Description = "Raw bulk insert, the same JSON rows, a statement and transaction per 5,000")]
    public async Task<int> RawBulkInsert()
    {
        await using var connection = (SqliteConnection)await Database().OpenAsync(CancellationToken.None);
        var stored = 0;
        foreach (var batch in _events.Chunk(BatchSize))
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = RawInsert;
            insert.Parameters.AddWithValue("@Rows", EventRepository.RowsAsJson(batch.Select(e => (e, false)), DateTimeOffset.UtcNow));
            stored += await insert.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }

        return stored;
    }

    [Benchmark(Description = "Raw prepared insert reused for each row, a transaction per 5,000")]
    public async Task<int> RawPreparedInsert()
    {
        await using var connection = (SqliteConnection)await Database().OpenAsync(CancellationToken.None);
        var stored = 0;
        foreach (var batch in _rows.Chunk(BatchSize))
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO operational_event ({string.Join(", ", SqlDialect.EventColumns)}) VALUES ({string.Join(", ", SqlDialect.EventColumns.Select(c => "@" + c))});";
            var columns = SqlDialect.EventColumns.Select(c => insert.Parameters.Add(new SqliteParameter { ParameterName = "@" + c })).ToArray();
            insert.Prepare();
            foreach (var row in batch)
            {
                for (var c = 0; c < columns.Length; c++)
                {
                    columns[c].Value = row[c];
                }

                stored += await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        return stored;
    }

    private Database Database() => new(new StorageOptions { ConnectionString = $"Data Source={_file}" });
}
