using System.Runtime.InteropServices;
using Metrics.Domain.Calendar;
using Metrics.Domain.Operations;

namespace Metrics.Live.Windows;

/// <summary>
/// The control room's state, built from events in the order they arrive: what is open now
/// (calls waiting, incidents unresourced, intelligence outstanding) and per-minute counts by
/// event time from which every window is summed. Not thread-safe: one pipeline owns it.
/// </summary>
/// <remarks>
/// A late event (before the watermark when it arrived) still changes what is open now, since a
/// unit assigned late is still assigned; it does not change the windows, which were final.
/// </remarks>
public sealed class LiveState(LiveOptions options)
{
    private static readonly TimeSpan Keep = TimeSpan.FromHours(26);
    private readonly Dictionary<CallLine, Dictionary<long, CallCounts>> _calls = new()
    {
        [CallLine.Emergency999] = [],
        [CallLine.NonEmergency101] = [],
    };

    private readonly Dictionary<string, (CallLine Line, DateTimeOffset OfferedAt)> _waiting = [];
    private readonly Dictionary<string, DateTimeOffset> _endedCalls = [];
    private readonly Dictionary<string, Incident> _incidents = [];
    private readonly Dictionary<string, Dictionary<long, AttendanceCounts>> _attendance = [];
    private readonly HashSet<(string Area, IncidentGrade Grade)> _unresourcedSeen = [];
    private readonly Dictionary<string, DateTimeOffset> _outstanding = [];
    private readonly HashSet<string> _processed = [];
    private readonly Dictionary<long, (int Submitted, int Processed)> _intelligence = [];
    private readonly Dictionary<(CallLine Line, YearMonth Month), CallCounts> _callMonths = [];
    private readonly Dictionary<(string Area, YearMonth Month), AttendanceCounts> _attendanceMonths = [];
    private readonly Dictionary<(string Area, YearMonth Month), int> _emergencyMonths = [];
    private (DateTimeOffset From, DateTimeOffset To, YearMonth Month) _monthCache = (DateTimeOffset.MaxValue, DateTimeOffset.MinValue, default);

    public LiveOptions Options => options;

    /// <summary>The latest event time applied; null before the first event.</summary>
    public DateTimeOffset? LatestEventTime { get; private set; }

    /// <summary>The later of the latest event time and the clock.</summary>
    public DateTimeOffset AsOf(DateTimeOffset clock) => LatestEventTime is { } latest && latest > clock ? latest : clock;

    /// <summary>Windows that end at or before this are final; events before it are late.</summary>
    public DateTimeOffset Watermark(DateTimeOffset clock) => AsOf(clock) - options.AllowedLateness;

    public bool IsLate(OperationalEvent e, DateTimeOffset clock) => e.OccurredAt < Watermark(clock);

    public void Apply(OperationalEvent e, bool late)
    {
        if (!late && (LatestEventTime is null || e.OccurredAt > LatestEventTime))
        {
            LatestEventTime = e.OccurredAt;
        }

        switch (e)
        {
            case CallOffered offered:
                // An answer or abandon seen before its offer (out of order) ended the call already.
                if (!_endedCalls.Remove(offered.CallId))
                {
                    _waiting[offered.CallId] = (offered.Line, offered.OccurredAt);
                }

                AddCall(offered.Line, offered.OccurredAt, new CallCounts(1, 0, 0, 0, 0, 0), late);

                break;
            case CallAnswered answered:
                EndCall(answered.CallId, answered.OccurredAt);
                var within = answered.Wait <= options.StandardFor(answered.Line).AnswerWithin ? 1 : 0;
                AddCall(answered.Line, answered.OccurredAt, new CallCounts(0, 1, 0, within, answered.Wait.TotalSeconds, answered.Wait.TotalSeconds), late);

                break;
            case CallAbandoned abandoned:
                EndCall(abandoned.CallId, abandoned.OccurredAt);
                if (abandoned.Wait < options.ShortAbandon)
                {
                    // Neither offered nor abandoned: take back the offer where it was counted.
                    AddCall(abandoned.Line, abandoned.OccurredAt - abandoned.Wait, new CallCounts(-1, 0, 0, 0, 0, 0), late);
                }
                else
                {
                    AddCall(abandoned.Line, abandoned.OccurredAt, new CallCounts(0, 0, 1, 0, 0, 0), late);
                }

                break;
            case IncidentOpened opened:
                var incident = IncidentFor(opened.IncidentId);
                (incident.AreaCode, incident.Grade, incident.OpenedAt) = (opened.AreaCode, opened.Grade, opened.OccurredAt);
                _unresourcedSeen.Add((opened.AreaCode, opened.Grade));
                if (opened.Grade == IncidentGrade.Emergency)
                {
                    var key = (opened.AreaCode, MonthOf(opened.OccurredAt));
                    _emergencyMonths[key] = _emergencyMonths.GetValueOrDefault(key) + 1;
                }

                CountAttendance(incident, late);
                break;
            case IncidentResourced resourced:
                IncidentFor(resourced.IncidentId).Resourced = true;
                break;
            case IncidentAttended attended:
                var atScene = IncidentFor(attended.IncidentId);
                atScene.Resourced = true;
                atScene.AttendedAt ??= attended.OccurredAt;
                CountAttendance(atScene, late);
                break;
            case IncidentClosed closed:
                IncidentFor(closed.IncidentId).ClosedAt = closed.OccurredAt;
                break;
            case IntelligenceSubmitted submitted:
                if (!_processed.Contains(submitted.ReportId))
                {
                    _outstanding[submitted.ReportId] = submitted.OccurredAt;
                }

                if (!late)
                {
                    AddIntelligence(submitted.OccurredAt, 1, 0);
                }

                break;
            case IntelligenceProcessed processed:
                _outstanding.Remove(processed.ReportId);
                _processed.Add(processed.ReportId);
                if (!late)
                {
                    AddIntelligence(processed.OccurredAt, 0, 1);
                }

                break;
        }
    }

    public LiveSnapshot Snapshot(DateTimeOffset clock)
    {
        var asOf = AsOf(clock);
        var watermark = Watermark(clock);
        Prune(asOf);
        var now = Minute(asOf);
        var todayStarted = TodayStarted(asOf);
        var today = (First: Minute(todayStarted), Last: now);
        var hour = (First: now - 59, Last: now);
        var day = (First: now - (24 * 60) + 1, Last: now);
        var intervalMinutes = (long)options.Interval.TotalMinutes;
        var intervalStart = now - (((now % intervalMinutes) + intervalMinutes) % intervalMinutes);

        var calls = _calls.Select(line =>
        {
            var standard = options.StandardFor(line.Key).StandardPercent;
            CallWindow Window(WindowKind kind, long first, long last) =>
                new(kind, Time(first), Time(last + 1), Sum(line.Value, first, last, default(CallCounts), (a, b) => a.Plus(b)), Time(last + 1) <= watermark, standard);

            return new CallLineFigures(line.Key, _waiting.Values.Count(w => w.Line == line.Key),
            [
                Window(WindowKind.CurrentInterval, intervalStart, intervalStart + intervalMinutes - 1),
                Window(WindowKind.PreviousInterval, intervalStart - intervalMinutes, intervalStart - 1),
                Window(WindowKind.RollingHour, hour.First, hour.Last),
                Window(WindowKind.Today, today.First, today.Last),
            ]);
        }).ToList();

        var open = _incidents.Values.Where(i => i.IsUnresourced).ToList();
        var unresourced = _unresourcedSeen
            .Select(k => (k.Area, k.Grade, Incidents: open.Where(i => i.AreaCode == k.Area && i.Grade == k.Grade).ToList()))
            .Concat(_unresourcedSeen.Select(k => k.Grade).Distinct().Select(g => (Area: ForceWide.AreaCode, Grade: g, Incidents: open.Where(i => i.Grade == g).ToList())))
            .OrderBy(u => u.Area, StringComparer.Ordinal).ThenBy(u => u.Grade)
            .Select(u => new UnresourcedFigures(u.Area, u.Grade, u.Incidents.Count, u.Incidents.Count == 0 ? null : UnresourcedFigures.WholeMinutes(asOf - u.Incidents.Min(i => i.OpenedAt!.Value))))
            .ToList();

        var attendance = _attendance.Keys.Order(StringComparer.Ordinal).Select(area => new AttendanceFigures(
                area,
                Sum(_attendance[area], day.First, day.Last, default(AttendanceCounts), (a, b) => a.Plus(b)),
                Sum(_attendance[area], today.First, today.Last, default(AttendanceCounts), (a, b) => a.Plus(b))))
            .ToList();
        if (attendance.Count > 0)
        {
            attendance.Insert(0, new AttendanceFigures(
                "",
                attendance.Aggregate(default(AttendanceCounts), (sum, a) => sum.Plus(a.Rolling24Hours)),
                attendance.Aggregate(default(AttendanceCounts), (sum, a) => sum.Plus(a.Today))));
        }

        var lastHour = Sum(_intelligence, hour.First, hour.Last, (0, 0), (a, b) => (a.Item1 + b.Item1, a.Item2 + b.Item2));
        var sinceMidnight = Sum(_intelligence, today.First, today.Last, (0, 0), (a, b) => (a.Item1 + b.Item1, a.Item2 + b.Item2));
        var intelligence = new IntelligenceFigures(_outstanding.Count, lastHour.Item1, lastHour.Item2, sinceMidnight.Item1, sinceMidnight.Item2);

        return new LiveSnapshot(asOf, watermark, todayStarted, calls, unresourced, attendance, intelligence);
    }

    /// <summary>Local midnight of the day <paramref name="at"/> falls in, as an instant.</summary>
    public DateTimeOffset TodayStarted(DateTimeOffset at)
    {
        var midnight = TimeZoneInfo.ConvertTime(at, options.TimeZone).Date;
        return new DateTimeOffset(midnight, options.TimeZone.GetUtcOffset(midnight));
    }

    /// <summary>
    /// The month's totals as history keeps them: late events count here, since history counts
    /// every stored event; only the live windows, already final, leave them out.
    /// </summary>
    public MonthTotals Month(YearMonth month) => new(
        month,
        _callMonths.Where(c => c.Key.Month == month).ToDictionary(c => c.Key.Line, c => c.Value),
        _emergencyMonths.Where(e => e.Key.Month == month).ToDictionary(e => e.Key.Area, e => e.Value, StringComparer.Ordinal),
        _attendanceMonths.Where(a => a.Key.Month == month).ToDictionary(a => a.Key.Area, a => a.Value, StringComparer.Ordinal));

    /// <summary>The calendar month (local time) an instant falls in.</summary>
    public YearMonth MonthOf(DateTimeOffset at)
    {
        // Events come mostly in order: keep the last month's bounds rather than convert each time.
        if (at >= _monthCache.From && at < _monthCache.To)
        {
            return _monthCache.Month;
        }

        var local = TimeZoneInfo.ConvertTime(at, options.TimeZone);
        var month = new YearMonth(local.Year, local.Month);
        _monthCache = (LocalMidnight(month.Year, month.Month), LocalMidnight(month.AddMonths(1).Year, month.AddMonths(1).Month), month);
        return month;
    }

    private DateTimeOffset LocalMidnight(int year, int month)
    {
        var midnight = new DateTime(year, month, 1);
        return new DateTimeOffset(midnight, options.TimeZone.GetUtcOffset(midnight));
    }

    private void AddCall(CallLine line, DateTimeOffset at, CallCounts counts, bool late)
    {
        // One lookup per update: these run for every call event.
        ref var month = ref CollectionsMarshal.GetValueRefOrAddDefault(_callMonths, (line, MonthOf(at)), out _);
        month = month.Plus(counts);
        if (late)
        {
            return;
        }

        ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(_calls[line], Minute(at), out _);
        bucket = bucket.Plus(counts);
    }

    /// <summary>A call ends; only an end that comes before its offer is remembered, for when the offer arrives.</summary>
    private void EndCall(string callId, DateTimeOffset at)
    {
        if (!_waiting.Remove(callId))
        {
            _endedCalls[callId] = at;
        }
    }

    private void AddIntelligence(DateTimeOffset at, int submitted, int processed)
    {
        var minute = Minute(at);
        var existing = _intelligence.GetValueOrDefault(minute);
        _intelligence[minute] = (existing.Submitted + submitted, existing.Processed + processed);
    }

    /// <summary>An emergency incident counts once both its opening and its attendance are known, by when it was attended.</summary>
    private void CountAttendance(Incident incident, bool late)
    {
        if (incident.AttendanceCounted || incident.Grade != IncidentGrade.Emergency || incident.OpenedAt is not { } opened || incident.AttendedAt is not { } attended)
        {
            return;
        }

        incident.AttendanceCounted = true;
        var took = attended - opened;
        var counts = new AttendanceCounts(1, took <= options.EmergencyAttendance ? 1 : 0, took.TotalSeconds);
        var monthKey = (incident.AreaCode!, MonthOf(attended));
        _attendanceMonths[monthKey] = _attendanceMonths.TryGetValue(monthKey, out var month) ? month.Plus(counts) : counts;
        if (late)
        {
            return;
        }

        if (!_attendance.TryGetValue(incident.AreaCode!, out var buckets))
        {
            _attendance[incident.AreaCode!] = buckets = [];
        }

        var minute = Minute(attended);
        buckets[minute] = buckets.TryGetValue(minute, out var existing) ? existing.Plus(counts) : counts;
    }

    private Incident IncidentFor(string id)
    {
        if (!_incidents.TryGetValue(id, out var incident))
        {
            _incidents[id] = incident = new Incident();
        }

        return incident;
    }

    /// <summary>Forgets what no window can reach any more: minutes and ended things over 26 hours old.</summary>
    private void Prune(DateTimeOffset asOf)
    {
        var oldest = Minute(asOf - Keep);
        foreach (var buckets in _calls.Values.Concat<System.Collections.IDictionary>(_attendance.Values).Append(_intelligence))
        {
            foreach (var minute in buckets.Keys.Cast<long>().Where(m => m < oldest).ToList())
            {
                buckets.Remove(minute);
            }
        }

        foreach (var call in _endedCalls.Where(c => c.Value < asOf - Keep).Select(c => c.Key).ToList())
        {
            _endedCalls.Remove(call);
        }

        foreach (var id in _incidents.Where(i => i.Value.ClosedAt < asOf - Keep).Select(i => i.Key).ToList())
        {
            _incidents.Remove(id);
        }
    }

    private static TResult Sum<TResult>(Dictionary<long, TResult> buckets, long first, long last, TResult zero, Func<TResult, TResult, TResult> add)
    {
        var total = zero;
        for (var minute = first; minute <= last; minute++)
        {
            if (buckets.TryGetValue(minute, out var counts))
            {
                total = add(total, counts);
            }
        }

        return total;
    }

    private static long Minute(DateTimeOffset at) => (long)Math.Floor(at.ToUnixTimeMilliseconds() / 60_000.0);

    private static DateTimeOffset Time(long minute) => DateTimeOffset.FromUnixTimeMilliseconds(minute * 60_000);

    private sealed class Incident
    {
        public string? AreaCode { get; set; }

        public IncidentGrade? Grade { get; set; }

        public DateTimeOffset? OpenedAt { get; set; }

        public bool Resourced { get; set; }

        public DateTimeOffset? AttendedAt { get; set; }

        public DateTimeOffset? ClosedAt { get; set; }

        public bool AttendanceCounted { get; set; }

        public bool IsUnresourced => OpenedAt.HasValue && AreaCode is not null && !Resourced && ClosedAt is null;
    }
}
