namespace Metrics.Analytics.Projection;

/// <summary>
/// How far to trust a projection: forecasts made from earlier origins, scored against what
/// happened. MASE scales each error by the in-sample seasonal naive error of the history up to
/// its origin (1.0 = as good as seasonal naive in-sample); the seasonal naive forecast from the
/// same origins is scored the same way, so the two can be compared directly.
/// </summary>
public sealed record BacktestResult(int Origins, int Horizon, double Mase, double SeasonalNaiveMase)
{
    /// <summary>The projection's error as a share of seasonal naive's; below 1 beats it.</summary>
    public double RelativeToSeasonalNaive => SeasonalNaiveMase == 0 ? double.NaN : Mase / SeasonalNaiveMase;
}

/// <summary>Rolling-origin evaluation over the last origins of a history.</summary>
public static class Backtest
{
    public const int DefaultOrigins = 24;

    /// <summary>
    /// Forecasts up to <paramref name="horizon"/> months from each of the last
    /// <paramref name="origins"/> origins that leave the method its minimum history and at
    /// least one month to score; null when not one origin qualifies.
    /// </summary>
    public static BacktestResult? Run(
        IReadOnlyList<double> history,
        Func<IReadOnlyList<double>, IForecaster> method,
        int minimumHistory,
        int horizon,
        int origins = DefaultOrigins)
    {
        var last = history.Count - 1;
        var firstOrigin = Math.Max(minimumHistory, history.Count - origins);
        double scaledModel = 0, scaledNaive = 0;
        var scored = 0;
        var used = 0;
        for (var origin = firstOrigin; origin <= last; origin++)
        {
            var training = history.Take(origin).ToList();
            var scale = SeasonalNaive.InSampleErrors(training).DefaultIfEmpty(double.NaN).Average();
            if (!(scale > 0))
            {
                continue;
            }

            var steps = Math.Min(horizon, history.Count - origin);
            var model = method(training).Forecast(steps, 0);
            var naive = new SeasonalNaive(training).Forecast(steps, 0);
            for (var h = 0; h < steps; h++)
            {
                var actual = history[origin + h];
                scaledModel += Math.Abs(actual - model[h].Value) / scale;
                scaledNaive += Math.Abs(actual - naive[h].Value) / scale;
                scored++;
            }

            used++;
        }

        return scored == 0 ? null : new BacktestResult(used, horizon, scaledModel / scored, scaledNaive / scored);
    }
}
