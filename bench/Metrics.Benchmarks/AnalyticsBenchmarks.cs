using BenchmarkDotNet.Attributes;
using Metrics.Analytics.Projection;
using Metrics.Analytics.Spc;
using Metrics.Domain.Catalogue;

namespace Metrics.Benchmarks;

/// <summary>The analytics a summary page or report computes per topic, on a 108-month seasonal series.</summary>
[MemoryDiagnoser]
public class AnalyticsBenchmarks
{
    private double[] _series = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(108);
        _series = [.. Enumerable.Range(0, 108).Select(t => 60_000 + (40.0 * t) + (4_000 * Math.Sin(2 * Math.PI * t / 12)) + (1_500 * (random.NextDouble() - 0.5)))];
    }

    [Benchmark(Description = "XmR chart, 108 months")]
    public SpcChart ControlChart() => XmrChart.Compute(_series, Polarity.Neither);

    [Benchmark(Description = "Holt-Winters fit, 108 months")]
    public HoltWinters Fit() => HoltWinters.Fit(_series);

    [Benchmark(Description = "Projection with a 24-origin backtest, 108 months")]
    public Projection Project() => Projector.Project(_series);
}
