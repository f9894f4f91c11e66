using Metrics.Domain.Calendar;
using Metrics.Domain.Operations;

namespace Metrics.Live.Windows;

/// <summary>A line's answering standard: the share of calls to answer within the threshold.</summary>
public sealed record CallStandard(TimeSpan AnswerWithin, double StandardPercent);

/// <summary>How the live windows are drawn. Every figure here is configuration.</summary>
public sealed record LiveOptions
{
    /// <summary>999: 90% within 10 seconds; 101: 80% within 30 seconds.</summary>
    public IReadOnlyDictionary<CallLine, CallStandard> Standards { get; init; } = new Dictionary<CallLine, CallStandard>
    {
        [CallLine.Emergency999] = new(TimeSpan.FromSeconds(10), 90),
        [CallLine.NonEmergency101] = new(TimeSpan.FromSeconds(30), 80),
    };

    /// <summary>Callers who hang up quicker than this count as neither offered nor abandoned.</summary>
    public TimeSpan ShortAbandon { get; init; } = TimeSpan.Zero;

    /// <summary>How far behind the latest event (or the clock) an event may be and still change its windows.</summary>
    public TimeSpan AllowedLateness { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Calls a window must have answered before it is judged against its standard (and before a
    /// line can alert): 2 late answers out of 3 is not a failing control room.
    /// </summary>
    public int MinimumAnsweredToJudge { get; init; } = 10;

    /// <summary>The length of the clock-aligned interval (15 minutes: :00, :15, :30, :45).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Emergency incidents should be attended within this.</summary>
    public TimeSpan EmergencyAttendance { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>Where "today" starts at midnight, right across the clock changes.</summary>
    public TimeZoneInfo TimeZone { get; init; } = UkTime.Zone;

    public CallStandard StandardFor(CallLine line) => Standards[line];
}
