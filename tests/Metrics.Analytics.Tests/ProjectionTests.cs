using Metrics.Analytics.Projection;
using Xunit.Abstractions;

namespace Metrics.Analytics.Tests;

public sealed class ProjectionTests(ITestOutputHelper output)
{
    private static readonly double[] Pattern = [-30, -40, -10, 0, 10, 20, 35, 40, 15, 5, -15, -30];

    [Fact]
    public void APureSeasonalSeriesIsProjectedAsItsPattern()
    {
        var history = Enumerable.Range(0, 48).Select(t => 500 + Pattern[t % 12]).ToList();

        var projection = Projector.Project(history);

        Assert.Equal(ProjectionMethod.HoltWintersDamped, projection.Method);
        Assert.Equal(6, projection.Points.Count);
        for (var h = 1; h <= 6; h++)
        {
            Assert.Equal(500 + Pattern[(48 + h - 1) % 12], projection.Points[h - 1].Value, 1);
        }
    }

    [Fact]
    public void ATrendingSeasonalSeriesFollowsTheTrendDampedAtMostByTheDampingRange()
    {
        var history = Enumerable.Range(0, 60).Select(t => 1000 + (5.0 * t) + Pattern[t % 12]).ToList();

        var projection = Projector.Project(history);

        for (var h = 1; h <= 6; h++)
        {
            var truth = 1000 + (5.0 * (59 + h)) + Pattern[(59 + h) % 12];

            // A damped trend adds φ + ... + φ^h slopes, not h: at φ = 0.8 over 6 months that is
            // under 3.4 of the 6, so the lag is bounded by (h - that) × slope.
            var dampedSlopes = Enumerable.Range(1, h).Sum(i => Math.Pow(HoltWinters.MinDamping, i));
            var allowed = (h - dampedSlopes) * 5.0;
            Assert.InRange(projection.Points[h - 1].Value, truth - allowed - 0.5, truth + 0.5);
        }
    }

    [Fact]
    public void TheIntervalReflectsTheNoiseAndWidensWithTheHorizon()
    {
        var random = new Random(20190331);
        var history = Enumerable.Range(0, 72).Select(t => 800 + Pattern[t % 12] + (10 * Gaussian(random))).ToList();

        var projection = Projector.Project(history);

        output.WriteLine($"sigma {projection.Model!.Sigma:F2}, alpha {projection.Model.Alpha:F3} beta {projection.Model.Beta:F3} gamma {projection.Model.Gamma:F3} phi {projection.Model.Phi:F3}");
        Assert.InRange(projection.Model.Sigma, 8, 13);
        var widths = projection.Points.Select(p => p.Upper - p.Lower).ToList();
        Assert.InRange(widths[0], 2 * 1.96 * 8, 2 * 1.96 * 13);
        Assert.True(widths.Zip(widths.Skip(1)).All(w => w.Second >= w.First - 1e-9), "no narrower further ahead");
        Assert.All(projection.Points, p => Assert.True(p.Lower < p.Value && p.Value < p.Upper));
    }

    [Fact]
    public void UnderTwoYearsTheProjectionIsSeasonalNaive()
    {
        var history = Enumerable.Range(0, 18).Select(t => 300 + Pattern[t % 12]).ToList();

        var projection = Projector.Project(history);

        Assert.Equal(ProjectionMethod.SeasonalNaive, projection.Method);
        Assert.Null(projection.Backtest);
        Assert.Equal([.. Enumerable.Range(18, 6).Select(t => 300 + Pattern[t % 12])], projection.Points.Select(p => p.Value));
    }

    [Fact]
    public void UnderAYearThereIsNoProjection()
    {
        var error = Assert.Throws<ArgumentException>(() => Projector.Project([1, 2, 3]));
        Assert.Contains("needs 12 months of history; 3 given", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CountsAreNotProjectedBelowZero()
    {
        var history = Enumerable.Range(0, 36).Select(t => Math.Max(0, 60 - (2.0 * t) + (Pattern[t % 12] / 10))).ToList();

        var projection = Projector.Project(history);

        Assert.All(projection.Points, p => Assert.True(p.Lower >= 0 && p.Value >= 0));
    }

    [Fact]
    public void OnTheMetsSeriesTheBacktestBeatsSeasonalNaive()
    {
        var series = MetBoroughData.MajorCategories.Select(c => (Name: c, Values: MetBoroughData.MonthlyTotal(c)))
            .Prepend((Name: "All crime", Values: MetBoroughData.MonthlyTotal()))
            .ToList();

        var results = series.Select(s => (s.Name, Backtest: Projector.Project(s.Values).Backtest!)).ToList();
        foreach (var (name, backtest) in results)
        {
            output.WriteLine($"{name,-28} MASE {backtest.Mase:F3}  seasonal naive {backtest.SeasonalNaiveMase:F3}  ratio {backtest.RelativeToSeasonalNaive:F3} over {backtest.Origins} origins");
        }

        var total = results[0].Backtest;
        Assert.Equal(Backtest.DefaultOrigins, total.Origins);
        Assert.True(total.RelativeToSeasonalNaive < 0.8, $"all crime: {total.Mase:F3} against seasonal naive {total.SeasonalNaiveMase:F3}");
        var categories = results.Skip(1).ToList();
        var beaten = categories.Count(r => r.Backtest.RelativeToSeasonalNaive < 1);
        Assert.True(beaten * 2 > categories.Count, $"beats seasonal naive on {beaten} of {categories.Count} major categories");
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
