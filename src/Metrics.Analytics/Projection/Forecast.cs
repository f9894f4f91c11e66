namespace Metrics.Analytics.Projection;

/// <summary>How a projection was made.</summary>
public enum ProjectionMethod
{
    /// <summary>Additive Holt-Winters with a damped trend, parameters fitted to the history.</summary>
    HoltWintersDamped,

    /// <summary>Each month as the same month a year before: the fallback under two years of history.</summary>
    SeasonalNaive,
}

/// <summary>A projected month: the point forecast and its prediction interval.</summary>
public sealed record ForecastPoint(int StepsAhead, double Value, double Lower, double Upper);

/// <summary>A fitted method's point forecasts with intervals.</summary>
public interface IForecaster
{
    IReadOnlyList<ForecastPoint> Forecast(int horizon, double intervalZ);
}
