using System.Data.Common;
using BenchmarkDotNet.Attributes;
using Dapper;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;
using Metrics.Storage;
using Metrics.Storage.Engines;
using Metrics.Storage.Repositories;
using Microsoft.Data.Sqlite;

namespace Metrics.Benchmarks;

/// <summary>
/// An import that replaces a stored year of a wide table (33 areas, 30 breakdowns, 12 months:
/// 11,880 figures, the shape of the Met borough file), on SQLite, a fresh file each iteration
/// holding the year already: the repository's store (cells deleted and figures inserted as two
/// JSON arrays, two statements) beside the row-by-row way it replaced (a Dapper round trip per
/// cell deleted and per figure inserted, in one transaction), and the same figures inserted raw
/// (nothing deleted, nothing recorded) as the ceiling. On SQL Server every round trip also
/// crosses the network, so the gap there is wider than here.
/// </summary>
[MemoryDiagnoser]
public class ImportBenchmarks
{
    private const string DeleteCell = """
        DELETE FROM observation
        WHERE measure_id = @MeasureId AND area_code = @AreaCode AND period_start = @PeriodStart AND period_months = @PeriodMonths;
        """;

    private const string InsertObservation = """
        INSERT INTO observation (measure_id, area_code, breakdown, period_start, period_months, value, numerator, denominator, import_id)
        VALUES (@MeasureId, @AreaCode, @Breakdown, @PeriodStart, @PeriodMonths, @Value, @Numerator, @Denominator, @ImportId);
        """;

    private static readonly MeasureDefinition Crime = new(
        "crime", "Crime", "Section", "Topic", MeasureUnit.Count, Polarity.Neither, ReportingRule.Monthly, "crime_type", RateBase.Population, null, "");

    private List<Observation> _figures = [];
    private ReplaceScope _scope = new([]);
    private string _file = "";

    [Params(33)]
    public int Areas { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var months = Enumerable.Range(0, 12).Select(i => Period.Month(new YearMonth(2018, 4).AddMonths(i))).ToList();
        _figures = [.. from a in Enumerable.Range(0, Areas) from m in months from b in Enumerable.Range(0, 30)
                       select new Observation("crime", $"area-{a}", m, $"Category {b}", (a * 31) + b, null, null)];
        _scope = ReplaceScope.Of(_figures);
    }

    [IterationSetup]
    public void DatabaseHoldingTheYear()
    {
        _file = Path.Combine(Path.GetTempPath(), $"metrics-bench-{Guid.NewGuid():N}.db");
        var database = Database();
        Migrations.Apply(database);
        var catalogue = new CatalogueRepository(database);
        catalogue.UpsertAreasAsync(
            [new AreaDefinition("force", "Force", AreaKind.Force, null, null, null, "", [], []),
             .. Enumerable.Range(0, Areas).Select(a => new AreaDefinition($"area-{a}", $"Area {a}", AreaKind.LocalPolicingArea, "force", null, null, "", [], []))],
            default).GetAwaiter().GetResult();
        catalogue.UpsertMeasuresAsync([Crime], default).GetAwaiter().GetResult();
        new ImportRepository(database, new ObservationRepository(database), new RequestRepository(database))
            .StoreAsync(new BatchDescription("bench", "first", "force", "", DateTimeOffset.UnixEpoch, _figures.Count, 0), _scope, _figures, versioned: true, dryRun: false, TimeProvider.System, default)
            .GetAwaiter().GetResult();
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

    [Benchmark(Description = "ImportRepository.StoreAsync, versioned: the year read and diffed, its scope and replaced figures kept, then two JSON statements")]
    public async Task<long> BulkReplace()
    {
        var database = Database();
        var batch = await new ImportRepository(database, new ObservationRepository(database), new RequestRepository(database))
            .StoreAsync(new BatchDescription("bench", "again", "force", "", DateTimeOffset.UnixEpoch, _figures.Count, 0), _scope, _figures, versioned: true, dryRun: false, TimeProvider.System, default);
        return batch.Batch!.ObservationsWritten;
    }

    [Benchmark(Description = "ImportRepository.StoreAsync, not versioned: no scope or replaced figures kept (as the live roll-up)")]
    public async Task<long> BulkReplaceUnversioned()
    {
        var database = Database();
        var batch = await new ImportRepository(database, new ObservationRepository(database), new RequestRepository(database))
            .StoreAsync(new BatchDescription("bench", "again", "force", "", DateTimeOffset.UnixEpoch, _figures.Count, 0), _scope, _figures, versioned: false, dryRun: false, TimeProvider.System, default);
        return batch.Batch!.ObservationsWritten;
    }

    [Benchmark(Baseline = true, Description = "Row by row: a round trip per cell deleted and per figure inserted")]
    public async Task<int> RowByRowReplace()
    {
        var database = Database();
        return await database.InTransactionAsync(
            async (connection, transaction) =>
            {
                var import = await connection.ExecuteScalarAsync<long>(database.Dialect.InsertImportBatch, new { Kind = "bench", Source = "again", ForceCode = "force", StartedAtMs = 0L, Subject = "", Versioned = false, UndoesImportId = (long?)null }, transaction);
                await connection.ExecuteAsync(
                    DeleteCell, _scope.Cells.Select(c => new { c.MeasureId, c.AreaCode, PeriodStart = c.Period.First.Key, PeriodMonths = c.Period.Months }), transaction);
                return await connection.ExecuteAsync(InsertObservation, _figures.Select(o => Row(o, import)), transaction);
            },
            default);
    }

    /// <summary>The same JSON the repository sends; period_start is moved on a century in SQL so the figures add to the stored year.</summary>
    [Benchmark(Description = "Ceiling: the same figures inserted raw as one JSON array, nothing deleted or recorded")]
    public async Task<int> RawInsert()
    {
        var database = Database();
        return await database.InTransactionAsync(
            (connection, transaction) => connection.ExecuteAsync(
                """
                INSERT INTO observation (measure_id, area_code, breakdown, period_start, period_months, value, numerator, denominator, import_id)
                SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 + 10000, value ->> 4, value ->> 5, value ->> 6, value ->> 7, 1
                FROM json_each(@Rows);
                """,
                new { Rows = ObservationRepository.FiguresAsJson(_figures) },
                transaction),
            default);
    }

    private static object Row(Observation o, long import) => new
    {
        o.MeasureId,
        o.AreaCode,
        o.Breakdown,
        PeriodStart = o.Period.First.Key,
        PeriodMonths = o.Period.Months,
        o.Value,
        o.Numerator,
        o.Denominator,
        ImportId = import,
    };

    private Database Database() => new(new StorageOptions { ConnectionString = $"Data Source={_file}" });
}
