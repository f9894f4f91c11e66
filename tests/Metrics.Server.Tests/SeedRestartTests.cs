using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>The README's promise that the seed is imported once: a restart on the same store finds it there and adds nothing.</summary>
public sealed class SeedRestartTests : IDisposable
{
    private readonly string _databaseFile = Path.Combine(Path.GetTempPath(), $"metrics-seed-restart-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var file in new[] { _databaseFile, _databaseFile + "-wal", _databaseFile + "-shm", _databaseFile + ".key" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ARestartOnTheSameStoreImportsNoSeedFileAgain()
    {
        var first = await SeedBatchesAsync();
        var second = await SeedBatchesAsync();

        Assert.Equal(["seed:forces/west-mercia/area-comparison-2019-03.csv", "seed:forces/west-mercia/report-2019-03.csv", "seed:forces/west-mercia/year-end-2018-19.csv"], first.Select(b => b.Source).Order(StringComparer.Ordinal));
        Assert.Equal(first.Select(b => b.ImportId), second.Select(b => b.ImportId));
    }

    private async Task<List<ImportBatch>> SeedBatchesAsync()
    {
        await using var server = new MetricsServerFactory(_databaseFile);
        var measures = server.Measures();
        var batches = (await measures.ListImportsAsync(new ListImportsRequest { PageSize = 1000 })).Imports.Where(b => b.Source.StartsWith("seed:", StringComparison.Ordinal)).ToList();
        var march = await measures.GetSeriesAsync(new GetSeriesRequest
        {
            MeasureId = "total_recorded_crime",
            AreaCode = "west-mercia",
            Range = new MonthRange { First = new YearMonth { Year = 2019, Month = 3 }, Last = new YearMonth { Year = 2019, Month = 3 } },
        });
        Assert.Equal(7767, march.Points.Single().Value);
        return batches;
    }
}
