using Metrics.Domain.Operations;

namespace Metrics.Live.Alerts;

/// <summary>
/// The alert rules, as configuration: a line below its standard over the rolling hour, an
/// abandon rate above a limit, an area's unresourced incidents above its tolerance, the
/// intelligence backlog above a limit.
/// </summary>
public sealed record AlertRules
{
    /// <summary>Abandon rate over the rolling hour above which a line alerts, %.</summary>
    public IReadOnlyDictionary<CallLine, double> AbandonRateLimit { get; init; } = new Dictionary<CallLine, double>
    {
        [CallLine.Emergency999] = 5,
        [CallLine.NonEmergency101] = 25,
    };

    /// <summary>Unresourced incidents (all grades) an area may hold; areas not named use <see cref="DefaultUnresourcedTolerance"/>.</summary>
    public IReadOnlyDictionary<string, int> UnresourcedTolerance { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    public int DefaultUnresourcedTolerance { get; init; } = 30;

    /// <summary>Outstanding intelligence reports above which the force alerts.</summary>
    public int OutstandingIntelligenceLimit { get; init; } = 300;

    /// <summary>A raised alert clears only after the figure has been back past its threshold this long: no flapping.</summary>
    public TimeSpan ClearAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Late events within one tick that make a backlog being caught up: alerts wait for the tick
    /// after it. A few late events a tick (a system that lags) do not hold them back.
    /// </summary>
    public int CatchUpLateEvents { get; init; } = 100;

    public int ToleranceFor(string areaCode) => UnresourcedTolerance.GetValueOrDefault(areaCode, DefaultUnresourcedTolerance);
}
