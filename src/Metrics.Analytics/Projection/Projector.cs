namespace Metrics.Analytics.Projection;

/// <summary>A projection with the method used and how it scored on the history.</summary>
public sealed record Projection(
    ProjectionMethod Method,
    IReadOnlyList<ForecastPoint> Points,
    double IntervalLevel,
    BacktestResult? Backtest,
    HoltWinters? Model);

/// <summary>
/// The report's 6-month projection: Holt-Winters when there are two years of history,
/// seasonal naive with one, never from less. Counts are never projected below zero.
/// </summary>
public static class Projector
{
    public const int DefaultHorizon = 6;

    /// <summary>The 95% interval's z.</summary>
    public const double IntervalZ = 1.959964;

    public static int MinimumHistory => HoltWinters.MonthsInYear;

    public static Projection Project(IReadOnlyList<double> history, int horizon = DefaultHorizon, bool nonNegative = true)
    {
        if (history.Count < MinimumHistory)
        {
            throw new ArgumentException($"a projection needs {MinimumHistory} months of history; {history.Count} given", nameof(history));
        }

        IForecaster forecaster;
        ProjectionMethod method;
        BacktestResult? backtest;
        HoltWinters? model = null;
        if (history.Count >= HoltWinters.MinimumHistory())
        {
            model = HoltWinters.Fit(history);
            forecaster = model;
            method = ProjectionMethod.HoltWintersDamped;
            backtest = Backtest.Run(history, h => HoltWinters.Fit(h), HoltWinters.MinimumHistory(), horizon);
        }
        else
        {
            forecaster = new SeasonalNaive(history);
            method = ProjectionMethod.SeasonalNaive;
            backtest = null;
        }

        var points = forecaster.Forecast(horizon, IntervalZ);
        if (nonNegative)
        {
            points = [.. points.Select(p => p with { Value = Math.Max(0, p.Value), Lower = Math.Max(0, p.Lower), Upper = Math.Max(0, p.Upper) })];
        }

        return new Projection(method, points, 0.95, backtest, model);
    }
}
