namespace Metrics.Analytics.Projection;

/// <summary>
/// The seasonal naive forecast: each future month is the same month of the last year seen.
/// It is the fallback under two years of history and the baseline every projection must beat.
/// </summary>
public sealed class SeasonalNaive : IForecaster
{
    private readonly IReadOnlyList<double> _history;
    private readonly int _season;

    public SeasonalNaive(IReadOnlyList<double> history, int season = HoltWinters.MonthsInYear)
    {
        if (history.Count < season)
        {
            throw new ArgumentException($"the seasonal naive forecast needs {season} months; {history.Count} given", nameof(history));
        }

        _history = history;
        _season = season;
        Sigma = history.Count > season ? Math.Sqrt(InSampleErrors(history, season).Average(e => e * e)) : double.NaN;
    }

    /// <summary>Root mean square of the in-sample seasonal differences; NaN with one season only.</summary>
    public double Sigma { get; }

    /// <summary>|y(t) - y(t - season)| for every month with a month a season before it: the MASE scale.</summary>
    public static IEnumerable<double> InSampleErrors(IReadOnlyList<double> history, int season = HoltWinters.MonthsInYear)
    {
        for (var t = season; t < history.Count; t++)
        {
            yield return Math.Abs(history[t] - history[t - season]);
        }
    }

    public IReadOnlyList<ForecastPoint> Forecast(int horizon, double intervalZ)
    {
        var n = _history.Count;
        var points = new List<ForecastPoint>(horizon);
        for (var h = 1; h <= horizon; h++)
        {
            var yearsAhead = (h - 1) / _season;
            var value = _history[n - _season + ((h - 1) % _season)];
            var spread = double.IsNaN(Sigma) ? 0 : intervalZ * Sigma * Math.Sqrt(yearsAhead + 1);
            points.Add(new ForecastPoint(h, value, value - spread, value + spread));
        }

        return points;
    }
}
