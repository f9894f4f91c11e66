using System.Globalization;
using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>The analytics RPCs on nine years of real Met data, checked against sums taken straight from the file.</summary>
public sealed class AnalyticsTests(MetLoadedServer met) : IClassFixture<MetLoadedServer>
{
    private static readonly YearMonth December2016 = new() { Year = 2016, Month = 12 };

    [Fact]
    public async Task TheMeasureSummaryComparesTheMonthAsTheReportDoes()
    {
        var totals = MetLoadedServer.ForceTotals();
        var december = MetLoadedServer.IndexOf(2016, 12);

        var summary = await met.Analytics().GetMeasureSummaryAsync(new GetMeasureSummaryRequest
        {
            MeasureId = "total_recorded_crime",
            AreaCode = MetLoadedServer.Force,
            Month = December2016,
        });

        Assert.Equal(totals[december], summary.Current.Value);
        Assert.Equal(totals[december - 1], summary.PreviousMonth.Value);
        Assert.Equal(totals[december - 12], summary.SameMonthLastYear.Value);
        Assert.Equal(totals.Skip(december - 12).Take(12).Average(), summary.TwelveMonthAverage, 6);
        var aprilIndex = MetLoadedServer.IndexOf(2016, 4);
        Assert.Equal(totals.Skip(aprilIndex).Take(9).Sum(), summary.FinancialYearToDate.Value);
        Assert.Equal(totals.Skip(aprilIndex - 12).Take(9).Sum(), summary.FinancialYearToDateLastYear.Value);
        Assert.Equal(100 * (totals[december] - totals[december - 1]) / totals[december - 1], summary.OnPreviousMonth.Percent, 6);

        // The monthly average is the chart's centre line over the 36 months to December 2016.
        var mean = totals.Skip(december - 35).Take(36).Average();
        Assert.Equal(mean, summary.Reading.MonthlyAverage, 6);
        Assert.Equal(36, summary.Reading.ChartMonths);
        var direction = totals[december] < totals[december - 1] ? "a decrease" : "an increase";
        Assert.StartsWith(
            $"{N(totals[december])} offences were recorded across Metropolitan Police in December. This is {direction} compared to November ({N(totals[december - 1])})",
            summary.Commentary.Narrative,
            StringComparison.Ordinal);
        Assert.Contains($"the monthly average ({N(mean)})", summary.Commentary.Narrative, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheControlChartShowsFraudMovingToActionFraudAndARebaseGivesNewLimits()
    {
        var request = new GetControlChartRequest { MeasureId = "total_recorded_crime", AreaCode = MetLoadedServer.Force, Breakdown = "Fraud or Forgery" };
        var analytics = met.Analytics();

        var whole = await analytics.GetControlChartAsync(request);
        request.Options = new ControlChartOptions { RebaseAt = { new YearMonth { Year = 2013, Month = 1 } } };
        var rebased = await analytics.GetControlChartAsync(request);

        Assert.Equal(108, whole.Points.Count);
        Assert.Equal(MetLoadedServer.ForceTotals("Fraud or Forgery"), whole.Points.Select(p => p.Value));
        var last = whole.Points[^1];
        Assert.Equal(Variation.NeitherLow, last.Variation);
        Assert.Contains(SpcRule.Shift, last.Rules);
        Assert.Contains(last.Reasons, r => r.StartsWith("part of a run of 7 or more months below the mean", StringComparison.Ordinal));
        Assert.Equal(1, rebased.Points[^1].Segment);
        Assert.True(rebased.Points[^1].UpperLimit < rebased.Points[0].LowerLimit, "the limits after the move sit wholly below the ones before");
        Assert.False(rebased.TrialLimits);
    }

    [Fact]
    public async Task TheProjectionFollowsTheSeasonWithAnIntervalAndABacktest()
    {
        var projection = await met.Analytics().GetProjectionAsync(new GetProjectionRequest { MeasureId = "total_recorded_crime", AreaCode = MetLoadedServer.Force });

        Assert.Equal(ProjectionMethod.HoltWintersDamped, projection.Method);
        Assert.Equal(new YearMonth { Year = 2008, Month = 1 }, projection.History.First);
        Assert.Equal(December2016, projection.History.Last);
        Assert.Equal(
            [.. Enumerable.Range(1, 6).Select(m => new YearMonth { Year = 2017, Month = m })],
            projection.Points.Select(p => p.Month));
        Assert.All(projection.Points, p => Assert.True(p.Lower < p.Value && p.Value < p.Upper));
        Assert.Equal(95, projection.IntervalPercent, 9);
        Assert.Equal(24, projection.Backtest.Origins);
        Assert.True(projection.Backtest.RelativeToSeasonalNaive < 1, $"MASE {projection.Backtest.Mase:F3} against seasonal naive {projection.Backtest.SeasonalNaiveMase:F3}");

        // The season, from the file: in eight of the nine years February is the low of January to
        // June, and in all nine March rises from it and April falls back below March and May. The projection's months keep
        // that shape, and their profile follows the nine years' average profile.
        var totals = MetLoadedServer.ForceTotals();
        var profile = Enumerable.Range(0, 6)
            .Select(m => Enumerable.Range(0, 9).Average(y => totals[(y * 12) + m] / totals.Skip(y * 12).Take(6).Average()))
            .ToArray();
        var projected = projection.Points.Select(p => p.Value).ToArray();
        Assert.True(projected[1] < projected[0] && projected[1] < projected[2], $"February {projected[1]:N0} is not below January {projected[0]:N0} and March {projected[2]:N0}");
        Assert.True(projected[3] < projected[2] && projected[3] < projected[4], $"April {projected[3]:N0} is not below March {projected[2]:N0} and May {projected[4]:N0}");
        Assert.True(Correlation(profile, projected) > 0.8, $"the projection's shape {string.Join(", ", projected.Select(v => v.ToString("N0", CultureInfo.InvariantCulture)))} does not follow the season {string.Join(", ", profile.Select(v => v.ToString("0.000", CultureInfo.InvariantCulture)))}");
    }

    private static double Correlation(double[] x, double[] y)
    {
        var (mx, my) = (x.Average(), y.Average());
        var covariance = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my));
        return covariance / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
    }

    [Fact]
    public async Task AFinancialYearIsTheSumOfItsTwelveStoredMonths()
    {
        // Computed, not read back: the Met's figures are stored as months only, so each year
        // total is the server's sum of April to March, checked against sums taken from the file.
        var totals = MetLoadedServer.ForceTotals();
        var april2014 = MetLoadedServer.IndexOf(2014, 4);

        var response = await met.Server.Measures().GetYearEndComparisonAsync(new GetYearEndComparisonRequest { AreaCode = MetLoadedServer.Force, FinancialYear = 2015 });

        var crime = response.Rows.Single(r => r.Measure.Id == "total_recorded_crime");
        var previous = totals.Skip(april2014).Take(12).Sum();
        var current = totals.Skip(april2014 + 12).Take(12).Sum();
        Assert.Equal(("2014/15", "2015/16"), (response.PreviousLabel, response.CurrentLabel));
        Assert.Equal((previous, current), (crime.PreviousTotal, crime.CurrentTotal));
        Assert.Equal((current - previous) / previous * 100, crime.PercentChange, 9);
        Assert.True(crime.PreviousComplete && crime.CurrentComplete);
    }

    [Fact]
    public async Task UnderTwoYearsTheProjectionIsSeasonalNaiveAndUnderOneItIsRefused()
    {
        var analytics = met.Analytics();
        var june2009 = new YearMonth { Year = 2009, Month = 6 };
        var totals = MetLoadedServer.ForceTotals();

        var naive = await analytics.GetProjectionAsync(new GetProjectionRequest { MeasureId = "total_recorded_crime", AreaCode = MetLoadedServer.Force, LastMonth = june2009 });
        var error = await Assert.ThrowsAsync<RpcException>(() => analytics.GetProjectionAsync(new GetProjectionRequest
        {
            MeasureId = "total_recorded_crime",
            AreaCode = MetLoadedServer.Force,
            LastMonth = new YearMonth { Year = 2008, Month = 6 },
        }).ResponseAsync);

        Assert.Equal(ProjectionMethod.SeasonalNaive, naive.Method);
        Assert.Null(naive.Backtest);
        Assert.Equal(totals[MetLoadedServer.IndexOf(2008, 7)], naive.Points[0].Value);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal(
            "a projection needs 12 consecutive months of history; measure 'total_recorded_crime' has 6 for area 'metropolitan-police' up to Jun 2008",
            error.Status.Detail);
        Assert.Equal(("TOO_LITTLE_HISTORY", "6", "12"), (ErrorRead.Reason(error), ErrorRead.Info(error).Metadata["months_available"], ErrorRead.Info(error).Metadata["months_needed"]));
    }

    [Fact]
    public async Task TheSummaryPageReadsEveryBoroughAgainstItsOwnExpectedRange()
    {
        var page = await met.Analytics().GetPerformanceSummaryAsync(new GetPerformanceSummaryRequest { ForceCode = MetLoadedServer.Force, Month = December2016 });

        var crime = page.Sections.SelectMany(s => s.Rows).Single(r => r.MeasureId == "total_recorded_crime" && r.Breakdown == "");
        var totals = MetLoadedServer.ForceTotals();
        Assert.Equal(totals[MetLoadedServer.IndexOf(2016, 12)], crime.Value);
        Assert.Equal("Monthly", crime.Inclusion); // the Met's report template reports every topic monthly
        Assert.True(crime.IncludedThisMonth);
        var direction = totals[MetLoadedServer.IndexOf(2016, 12)] < totals[MetLoadedServer.IndexOf(2016, 11)] ? "Decreased" : "Increased";
        Assert.StartsWith($"{direction} volumes on previous month", crime.Data, StringComparison.Ordinal);
        Assert.EndsWith(".", crime.AreaMovement, StringComparison.Ordinal);

        // Every borough against its own last 36 months, computed here from the file by the NHS
        // rule (mean ± 2.66 × the mean moving range, moving ranges above 3.267 times it left out):
        // December 2016 was above the expected range in Haringey (2,491 against 1,811-2,481) and
        // Westminster (4,903 against 3,439-4,809), and in no other of the 32.
        var areas = await met.Server.Measures().ListAreasAsync(new ListAreasRequest { ForceCode = MetLoadedServer.Force });
        var codeOf = areas.Areas.ToDictionary(a => a.Name, a => a.Code, StringComparer.Ordinal);
        var boroughs = MetLoadedServer.BoroughTotals();
        var outside = boroughs.Where(b => OutsideItsExpectedRange(b.Value, MetLoadedServer.IndexOf(2016, 12))).Select(b => b.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(32, boroughs.Count);
        Assert.Equal(["Haringey", "Westminster"], outside);
        Assert.Equal(outside.Select(name => codeOf[name]).Order(StringComparer.Ordinal), crime.ExceptionalAreaCodes.Order(StringComparer.Ordinal));
        Assert.All(outside, name => Assert.Contains(name, crime.Exceptions, StringComparison.Ordinal));
        Assert.StartsWith("Exceptional", crime.Exceptions, StringComparison.Ordinal);
    }

    /// <summary>The month outside the XmR limits of the 36 months ending with it.</summary>
    private static bool OutsideItsExpectedRange(double[] monthly, int month)
    {
        var window = monthly[(month - 35)..(month + 1)];
        var mean = window.Average();
        var ranges = window.Skip(1).Select((v, i) => Math.Abs(v - window[i])).ToList();
        var kept = ranges.Where(r => r < 3.267 * ranges.Average()).ToList();
        var half = 2.66 * kept.Average();
        return monthly[month] > mean + half || monthly[month] < mean - half;
    }

    [Theory]
    [InlineData("no_such_measure", "metropolitan-police", 2016, 12, StatusCode.NotFound, "measure 'no_such_measure' does not exist", "UNKNOWN_MEASURE measure_id=no_such_measure")]
    [InlineData("total_recorded_crime", "atlantis", 2016, 12, StatusCode.NotFound, "area 'atlantis' does not exist", "UNKNOWN_AREA area_code=atlantis")]
    [InlineData("total_recorded_crime", "metropolitan-police", 2016, 13, StatusCode.InvalidArgument, "month: month 13 is not a month of the year (1 to 12)", "INVALID_FIELD field=month")]
    [InlineData(
        "total_recorded_crime", "metropolitan-police", 2030, 1, StatusCode.FailedPrecondition, "measure 'total_recorded_crime' has no figure for area 'metropolitan-police' in Jan 2030",
        "NO_FIGURE_FOR_PERIOD area_code=metropolitan-police breakdown= measure_id=total_recorded_crime period=2030-01")]
    [InlineData("", "metropolitan-police", 2016, 12, StatusCode.InvalidArgument, "measure_id: is required", "INVALID_FIELD field=measure_id")]
    public async Task BadRequestsSayWhatIsWrong(string measure, string area, int year, int month, StatusCode code, string detail, string details)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => met.Analytics().GetMeasureSummaryAsync(new GetMeasureSummaryRequest
        {
            MeasureId = measure,
            AreaCode = area,
            Month = new YearMonth { Year = year, Month = month },
        }).ResponseAsync);

        Assert.Equal(code, error.StatusCode);
        Assert.Equal(detail, error.Status.Detail);
        var (reason, metadata) = ErrorRead.Info(error);
        var about = metadata.Select(m => $"{m.Key}={m.Value}").Concat(ErrorRead.Fields(error).Select(f => $"field={f}")).Order(StringComparer.Ordinal);
        Assert.Equal(details, string.Join(" ", about.Prepend(reason)));
    }

    [Fact]
    public async Task LimitsOnTheAskAreInvalidArguments()
    {
        var analytics = met.Analytics();

        var horizon = await Assert.ThrowsAsync<RpcException>(() => analytics.GetProjectionAsync(new GetProjectionRequest
        {
            MeasureId = "total_recorded_crime",
            AreaCode = MetLoadedServer.Force,
            Horizon = 30,
        }).ResponseAsync);
        var shortChart = await Assert.ThrowsAsync<RpcException>(() => analytics.GetControlChartAsync(new GetControlChartRequest
        {
            MeasureId = "total_recorded_crime",
            AreaCode = MetLoadedServer.Force,
            Range = new MonthRange { First = December2016, Last = December2016 },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, horizon.StatusCode);
        Assert.Equal("horizon: is 30; give 1 to 24 months", horizon.Status.Detail);
        Assert.Equal(["horizon"], ErrorRead.Fields(horizon));
        Assert.Equal(StatusCode.FailedPrecondition, shortChart.StatusCode);
        Assert.Equal(
            "a control chart needs at least 2 months; measure 'total_recorded_crime' has 1 for area 'metropolitan-police' from Dec 2016 to Dec 2016",
            shortChart.Status.Detail);
        Assert.Equal(("TOO_LITTLE_HISTORY", "1", "2"), (ErrorRead.Reason(shortChart), ErrorRead.Info(shortChart).Metadata["months_available"], ErrorRead.Info(shortChart).Metadata["months_needed"]));
    }

    private static string N(double value) => Math.Round(value, MidpointRounding.AwayFromZero).ToString("N0", CultureInfo.InvariantCulture);
}
