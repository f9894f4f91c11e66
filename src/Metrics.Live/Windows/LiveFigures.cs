using Metrics.Domain.Operations;

namespace Metrics.Live.Windows;

/// <summary>Which window a figure covers.</summary>
public enum WindowKind
{
    /// <summary>The clock-aligned interval now running (15 minutes by default).</summary>
    CurrentInterval,

    /// <summary>The interval before it: final once the watermark passes its end.</summary>
    PreviousInterval,

    /// <summary>The last 60 minutes, to the minute.</summary>
    RollingHour,

    /// <summary>Since midnight, local time.</summary>
    Today,
}

/// <summary>Calls on a line over a window. Waits are of answered calls.</summary>
public readonly record struct CallCounts(int Offered, int Answered, int Abandoned, int AnsweredWithinThreshold, double TotalWaitSeconds, double LongestWaitSeconds)
{
    /// <summary>Abandoned as a % of the calls that ended (answered or abandoned); null with none.</summary>
    public double? AbandonRate => Answered + Abandoned == 0 ? null : 100.0 * Abandoned / (Answered + Abandoned);

    /// <summary>Answered within the line's threshold as a % of answered calls; null with none.</summary>
    public double? PercentAnsweredWithinThreshold => Answered == 0 ? null : 100.0 * AnsweredWithinThreshold / Answered;

    public double? AverageWaitSeconds => Answered == 0 ? null : TotalWaitSeconds / Answered;

    public CallCounts Plus(CallCounts other) => new(
        Offered + other.Offered,
        Answered + other.Answered,
        Abandoned + other.Abandoned,
        AnsweredWithinThreshold + other.AnsweredWithinThreshold,
        TotalWaitSeconds + other.TotalWaitSeconds,
        Math.Max(LongestWaitSeconds, other.LongestWaitSeconds));
}

/// <summary>A line's calls over one window, against the line's standard once it has answered enough calls to be judged.</summary>
public sealed record CallWindow(WindowKind Kind, DateTimeOffset Start, DateTimeOffset End, CallCounts Counts, bool Final, double StandardPercent, int MinimumAnsweredToJudge)
{
    /// <summary>Null until the window has answered <see cref="MinimumAnsweredToJudge"/> calls: too few to judge.</summary>
    public bool? MeetsStandard =>
        Counts.Answered >= MinimumAnsweredToJudge && Counts.PercentAnsweredWithinThreshold is { } percent ? percent >= StandardPercent : null;
}

/// <summary>Everything shown for a line.</summary>
public sealed record CallLineFigures(CallLine Line, int WaitingNow, IReadOnlyList<CallWindow> Windows)
{
    public CallWindow Window(WindowKind kind) => Windows.Single(w => w.Kind == kind);
}

/// <summary>
/// Open incidents of an area and grade with no unit assigned; the force when the area code is
/// empty. Tolerance: what the area may hold across its grades before it alerts (the force's is
/// the sum of its areas'), so a display can show each figure against it. The oldest's age is
/// in whole minutes: walls show it in minutes, and an age to the second would change with every
/// tick, sending every subscriber an update a second for nothing they show.
/// </summary>
public sealed record UnresourcedFigures(string AreaCode, IncidentGrade Grade, int Count, TimeSpan? OldestAge)
{
    public int? Tolerance { get; init; }

    public static TimeSpan WholeMinutes(TimeSpan age) => TimeSpan.FromMinutes(Math.Floor(age.TotalMinutes));
}

/// <summary>Emergency incidents attended over a window, by when they were attended.</summary>
public readonly record struct AttendanceCounts(int Attended, int AttendedWithinTarget, double TotalSeconds)
{
    public double? PercentWithinTarget => Attended == 0 ? null : 100.0 * AttendedWithinTarget / Attended;

    public double? AverageSeconds => Attended == 0 ? null : TotalSeconds / Attended;

    public AttendanceCounts Plus(AttendanceCounts other) =>
        new(Attended + other.Attended, AttendedWithinTarget + other.AttendedWithinTarget, TotalSeconds + other.TotalSeconds);
}

/// <summary>Emergency attendance of an area; the force when the area code is empty.</summary>
public sealed record AttendanceFigures(string AreaCode, AttendanceCounts Rolling24Hours, AttendanceCounts Today)
{
    /// <summary>When "today" began: local midnight (Europe/London), as an instant; today runs from it to the snapshot's AsOf.</summary>
    public DateTimeOffset TodayStarted { get; init; }
}

/// <summary>The intelligence backlog, and the limit above which it alerts.</summary>
public sealed record IntelligenceFigures(int Outstanding, int SubmittedLastHour, int ProcessedLastHour, int SubmittedToday, int ProcessedToday)
{
    public int? Limit { get; init; }

    /// <summary>When "today" began: local midnight (Europe/London), as an instant.</summary>
    public DateTimeOffset TodayStarted { get; init; }
}

/// <summary>
/// Every live figure at one moment. AsOf is the later of the latest event time and the clock;
/// Watermark is AsOf less the allowed lateness: windows ending before it are final.
/// </summary>
public sealed record LiveSnapshot(
    DateTimeOffset AsOf,
    DateTimeOffset Watermark,
    DateTimeOffset TodayStarted,
    IReadOnlyList<CallLineFigures> Calls,
    IReadOnlyList<UnresourcedFigures> Unresourced,
    IReadOnlyList<AttendanceFigures> Attendance,
    IntelligenceFigures Intelligence)
{
    /// <summary>The alerts raised (and those cleared in the last day) as of this snapshot.</summary>
    public IReadOnlyList<Alerts.Alert> Alerts { get; init; } = [];

    public CallLineFigures CallsOn(CallLine line) => Calls.Single(c => c.Line == line);
}

/// <summary>
/// A month's operational totals for history: calls per line, emergency incidents opened and
/// emergency attendance per area (by the month they were opened and attended).
/// </summary>
public sealed record MonthTotals(
    Domain.Calendar.YearMonth Month,
    IReadOnlyDictionary<CallLine, CallCounts> Calls,
    IReadOnlyDictionary<string, int> EmergencyIncidents,
    IReadOnlyDictionary<string, AttendanceCounts> Attendance);
