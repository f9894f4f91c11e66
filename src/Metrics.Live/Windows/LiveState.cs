using Metrics.Domain.Calendar;
using Metrics.Domain.Operations;
using Metrics.Live.Windows.State;

namespace Metrics.Live.Windows;

/// <summary>
/// The control room's state, built from events in the order they arrive: what is open now
/// (calls waiting, incidents unresourced, intelligence outstanding) and per-minute counts by
/// event time from which every window is summed, each family of figures kept by its own part
/// (State/), with event time and the watermark kept here. Not thread-safe: one pipeline owns it.
/// </summary>
/// <remarks>
/// A late event (before the watermark when it arrived) still changes what is open now, since a
/// unit assigned late is still assigned; it does not change the windows, which were final.
/// </remarks>
public sealed class LiveState
{
    private static readonly TimeSpan Keep = TimeSpan.FromHours(26);
    private readonly LiveOptions _options;
    private readonly EventCalendar _calendar;
    private readonly CallsState _calls;
    private readonly IncidentsState _incidents;
    private readonly IntelligenceState _intelligence = new();

    public LiveState(LiveOptions options)
    {
        _options = options;
        _calendar = new EventCalendar(options.TimeZone);
        _calls = new CallsState(options, _calendar);
        _incidents = new IncidentsState(options, _calendar);
    }

    public LiveOptions Options => _options;

    /// <summary>
    /// The server's clock: figures are as of now, whatever an event says. An event stamped ahead of
    /// the clock (a force system whose clock runs fast, within the ingest allowance) is kept in the
    /// minute it names and counts once the clock reaches it; it never moves the windows or the
    /// watermark ahead, which would make every on-time event after it late.
    /// </summary>
    public static DateTimeOffset AsOf(DateTimeOffset clock) => clock;

    /// <summary>Windows that end at or before this are final; events before it are late.</summary>
    public DateTimeOffset Watermark(DateTimeOffset clock) => AsOf(clock) - _options.AllowedLateness;

    public bool IsLate(OperationalEvent e, DateTimeOffset clock) => e.OccurredAt < Watermark(clock);

    public void Apply(OperationalEvent e, bool late)
    {
        switch (e)
        {
            case CallOffered offered:
                _calls.Offered(offered, late);
                break;
            case CallAnswered answered:
                _calls.Answered(answered, late);
                break;
            case CallAbandoned abandoned:
                _calls.Abandoned(abandoned, late);
                break;
            case IncidentOpened opened:
                _incidents.Opened(opened, late);
                break;
            case IncidentResourced resourced:
                _incidents.Resourced(resourced);
                break;
            case IncidentAttended attended:
                _incidents.Attended(attended, late);
                break;
            case IncidentClosed closed:
                _incidents.Closed(closed);
                break;
            case IntelligenceSubmitted submitted:
                _intelligence.Submitted(submitted, late);
                break;
            case IntelligenceProcessed processed:
                _intelligence.Processed(processed, late);
                break;
        }
    }

    public LiveSnapshot Snapshot(DateTimeOffset clock)
    {
        var asOf = AsOf(clock);
        var watermark = Watermark(clock);
        Prune(asOf);
        var now = MinuteBuckets.Minute(asOf);
        var todayStarted = TodayStarted(asOf);
        var intervalMinutes = (long)_options.Interval.TotalMinutes;
        var minutes = new SnapshotMinutes(
            IntervalStart: now - (((now % intervalMinutes) + intervalMinutes) % intervalMinutes),
            IntervalMinutes: intervalMinutes,
            Hour: (now - 59, now),
            Day: (now - (24 * 60) + 1, now),
            Today: (MinuteBuckets.Minute(todayStarted), now),
            Watermark: watermark);

        return new LiveSnapshot(
            asOf,
            watermark,
            todayStarted,
            _calls.Figures(minutes),
            _incidents.Unresourced(asOf),
            [.. _incidents.Attendance(minutes).Select(a => a with { TodayStarted = todayStarted })],
            _intelligence.Figures(minutes) with { TodayStarted = todayStarted });
    }

    /// <summary>Local midnight of the day <paramref name="at"/> falls in, as an instant.</summary>
    public DateTimeOffset TodayStarted(DateTimeOffset at) => _calendar.TodayStarted(at);

    /// <summary>
    /// The month's totals as history keeps them: late events count here, since history counts
    /// every stored event; only the live windows, already final, leave them out.
    /// </summary>
    public MonthTotals Month(YearMonth month) => new(month, _calls.Month(month), _incidents.EmergenciesIn(month), _incidents.AttendanceIn(month));

    /// <summary>The calendar month (local time) an instant falls in.</summary>
    public YearMonth MonthOf(DateTimeOffset at) => _calendar.MonthOf(at);

    /// <summary>Forgets what no window can reach any more: minutes and ended things over 26 hours old.</summary>
    private void Prune(DateTimeOffset asOf)
    {
        var oldest = MinuteBuckets.Minute(asOf - Keep);
        _calls.Prune(oldest, asOf - Keep);
        _incidents.Prune(oldest, asOf - Keep);
        _intelligence.Prune(oldest);
    }
}
