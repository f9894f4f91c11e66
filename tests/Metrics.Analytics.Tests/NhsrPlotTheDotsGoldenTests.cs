using Metrics.Analytics.Spc;
using Metrics.Domain.Catalogue;

namespace Metrics.Analytics.Tests;

/// <summary>
/// Reproduces the reference implementation, NHSRplotthedots: its test "it returns expected
/// values" (tests/testthat/_snaps/ptd_spc_standard.md) charts R's set.seed(123); rnorm(20)
/// and prints mean 0.142, lower limit -3.01, upper limit 3.29, with no special cause.
/// </summary>
public sealed class NhsrPlotTheDotsGoldenTests
{
    private static readonly double[] Rnorm20Seed123 =
    [
        -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123, -0.68685285, -0.44566197,
        1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
    ];

    // The y column as the snapshot prints it (3 significant figures).
    private static readonly double[] Printed =
        [-0.560, -0.230, 1.56, 0.0705, 0.129, 1.72, 0.461, -1.27, -0.687, -0.446, 1.22, 0.360, 0.401, 0.111, -0.556, 1.79, 0.498, -1.97, 0.701, -0.473];

    [Fact]
    public void TheSeriesIsTheOneTheSnapshotPrints()
    {
        for (var i = 0; i < Printed.Length; i++)
        {
            var digits = 2 - (int)Math.Floor(Math.Log10(Math.Abs(Printed[i])));
            Assert.Equal(Printed[i], Math.Round(Rnorm20Seed123[i], digits, MidpointRounding.AwayFromZero), 9);
        }
    }

    [Fact]
    public void MeanAndProcessLimitsMatchTheReferenceImplementation()
    {
        var chart = XmrChart.Compute(Rnorm20Seed123, Polarity.Neither);

        Assert.All(chart.Points, p =>
        {
            Assert.Equal(0.142, Math.Round(p.Mean, 3));
            Assert.Equal(-3.01, Math.Round(p.LowerLimit, 2));
            Assert.Equal(3.29, Math.Round(p.UpperLimit, 2));
            Assert.Equal(SpcRule.None, p.Rules);
        });
        Assert.False(chart.TrialLimits);
    }
}
