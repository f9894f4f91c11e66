namespace Metrics.Analytics.Projection;

/// <summary>
/// Additive Holt-Winters with a damped trend (ETS(A,Ad,A) in Hyndman and Athanasopoulos,
/// "Forecasting: Principles and Practice", 3rd ed., 8.3): level, damped trend and monthly
/// seasonal indices, with the smoothing parameters fitted by least squares on the one-step
/// errors. The interval is the model's analytic one (Hyndman et al. 2008, table 6.1, class 1).
/// </summary>
public sealed class HoltWinters : IForecaster
{
    public const int MonthsInYear = 12;

    /// <summary>Damping is kept in fpp3's range: below 0.8 it flattens too fast, above 0.98 it barely damps.</summary>
    public const double MinDamping = 0.8;
    public const double MaxDamping = 0.98;

    private readonly double _level;
    private readonly double _trend;
    private readonly double[] _seasonal;

    private HoltWinters(Parameters parameters, double level, double trend, double[] seasonal, double sigma)
    {
        Alpha = parameters.Alpha;
        Beta = parameters.Beta;
        Gamma = parameters.Gamma;
        Phi = parameters.Phi;
        _level = level;
        _trend = trend;
        _seasonal = seasonal;
        Sigma = sigma;
    }

    /// <summary>Smoothing of the level.</summary>
    public double Alpha { get; }

    /// <summary>Smoothing of the trend (fpp3's β*).</summary>
    public double Beta { get; }

    /// <summary>Smoothing of the seasonal indices.</summary>
    public double Gamma { get; }

    /// <summary>Damping of the trend.</summary>
    public double Phi { get; }

    /// <summary>Standard deviation of the one-step errors in the history.</summary>
    public double Sigma { get; }

    /// <summary>The fewest months a fit needs: two whole years, one to start the seasonal indices and one to learn from.</summary>
    public static int MinimumHistory(int season = MonthsInYear) => 2 * season;

    public static HoltWinters Fit(IReadOnlyList<double> history, int season = MonthsInYear)
    {
        if (history.Count < MinimumHistory(season))
        {
            throw new ArgumentException($"Holt-Winters needs {MinimumHistory(season)} months; {history.Count} given", nameof(history));
        }

        var start = InitialState(history, season);
        var scale = Math.Max(1e-9, history.Select(Math.Abs).Average());

        // A coarse grid picks the starts, so the simplex does not settle in a poor corner; the best fit wins.
        double Cost(double[] x) => Run(history, season, Parameters.From(x), start).SumOfSquares / (scale * scale);
        double[] levels = [-3, -1.5, 0, 1.5], trends = [-4, -2, 0], seasons = [-3, -1.5, 0], dampings = [-1, 1.5];
        var grid = from a in levels from b in trends from c in seasons from d in dampings select new[] { a, b, c, d };
        var best = grid.OrderBy(Cost).Take(3).Select(s => NelderMead.Minimise(Cost, s)).MinBy(Cost)!;

        var parameters = Parameters.From(best);
        var run = Run(history, season, parameters, start);
        var fittedPoints = history.Count - season;
        var sigma = Math.Sqrt(run.SumOfSquares / Math.Max(1, fittedPoints - 4));
        return new HoltWinters(parameters, run.Level, run.Trend, run.Seasonal, sigma);
    }

    public IReadOnlyList<ForecastPoint> Forecast(int horizon, double intervalZ)
    {
        var season = _seasonal.Length;
        var points = new List<ForecastPoint>(horizon);
        var dampedSum = 0.0;
        var variance = 1.0;
        var phiPower = 1.0;
        for (var h = 1; h <= horizon; h++)
        {
            phiPower *= Phi;
            dampedSum += phiPower;
            var value = _level + (dampedSum * _trend) + _seasonal[(h - 1) % season];
            var spread = intervalZ * Sigma * Math.Sqrt(variance);
            points.Add(new ForecastPoint(h, value, value - spread, value + spread));

            // c_h = α + αβ*(φ + ... + φ^h) + γ when h is a whole number of seasons.
            var c = Alpha + (Alpha * Beta * dampedSum) + (h % season == 0 ? Gamma : 0);
            variance += c * c;
        }

        return points;
    }

    /// <summary>
    /// The state at the end of the first season, by classical decomposition of the first
    /// seasons (up to three): the first season's mean as the level, the change in seasonal
    /// means per month as the trend, and each month's mean deviation from that line as its
    /// seasonal index (summing to zero). One season alone would carry its noise into the indices.
    /// </summary>
    private static State InitialState(IReadOnlyList<double> history, int season)
    {
        var seasons = Math.Min(3, history.Count / season);
        var means = Enumerable.Range(0, seasons).Select(k => history.Skip(k * season).Take(season).Average()).ToList();
        var trend = (means[^1] - means[0]) / ((seasons - 1) * season);
        var seasonal = new double[season];
        for (var k = 0; k < seasons; k++)
        {
            for (var i = 0; i < season; i++)
            {
                seasonal[i] += (history[(k * season) + i] - (means[k] + ((i - ((season - 1) / 2.0)) * trend))) / seasons;
            }
        }

        var mean = seasonal.Average();
        for (var i = 0; i < season; i++)
        {
            seasonal[i] -= mean;
        }

        return new State(means[0] + (((season - 1) / 2.0) * trend), trend, seasonal, 0);
    }

    /// <summary>Runs the recursions from the end of the first season; the seasonal array is rotated so index 0 is next month's.</summary>
    private static State Run(IReadOnlyList<double> history, int season, Parameters p, State start)
    {
        var level = start.Level;
        var trend = start.Trend;
        var seasonal = (double[])start.Seasonal.Clone();
        var sumOfSquares = 0.0;
        for (var t = season; t < history.Count; t++)
        {
            var index = (t - season) % season;
            var forecast = level + (p.Phi * trend) + seasonal[index];
            var error = history[t] - forecast;
            sumOfSquares += error * error;
            var (previousLevel, previousTrend) = (level, trend);
            level = (p.Alpha * (history[t] - seasonal[index])) + ((1 - p.Alpha) * (level + (p.Phi * trend)));
            trend = (p.Beta * (level - previousLevel)) + ((1 - p.Beta) * p.Phi * previousTrend);
            seasonal[index] = (p.Gamma * (history[t] - previousLevel - (p.Phi * previousTrend))) + ((1 - p.Gamma) * seasonal[index]);
        }

        // Rotate so that index 0 is the month after the last one seen.
        var next = (history.Count - season) % season;
        var rotated = new double[season];
        for (var i = 0; i < season; i++)
        {
            rotated[i] = seasonal[(next + i) % season];
        }

        return new State(level, trend, rotated, sumOfSquares);
    }

    private sealed record State(double Level, double Trend, double[] Seasonal, double SumOfSquares);

    /// <summary>The parameters within their bounds: 0 &lt; α, β* &lt; 1, 0 &lt; γ &lt; 1 - α, φ in the damping range.</summary>
    private sealed record Parameters(double Alpha, double Beta, double Gamma, double Phi)
    {
        public static Parameters From(double[] x)
        {
            var alpha = Logistic(x[0]);
            return new Parameters(alpha, Logistic(x[1]), (1 - alpha) * Logistic(x[2]), MinDamping + ((MaxDamping - MinDamping) * Logistic(x[3])));
        }

        private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));
    }
}
