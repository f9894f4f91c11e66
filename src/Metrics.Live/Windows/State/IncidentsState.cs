using Metrics.Domain.Calendar;
using Metrics.Domain.Operations;

namespace Metrics.Live.Windows.State;

/// <summary>
/// Incidents from command and control: which are open and unresourced now, by area and grade,
/// and emergency attendance per minute and per month by area.
/// </summary>
internal sealed class IncidentsState(LiveOptions options, EventCalendar calendar)
{
    private readonly Dictionary<(string Source, string IncidentId), Incident> _incidents = [];
    private readonly Dictionary<string, Dictionary<long, AttendanceCounts>> _attendance = [];
    private readonly HashSet<(string Area, IncidentGrade Grade)> _unresourcedSeen = [];
    private readonly Dictionary<(string Area, YearMonth Month), AttendanceCounts> _attendanceMonths = [];
    private readonly Dictionary<(string Area, YearMonth Month), int> _emergencyMonths = [];

    public void Opened(IncidentOpened opened, bool late)
    {
        var incident = IncidentFor((opened.Source, opened.IncidentId));
        (incident.AreaCode, incident.Grade, incident.OpenedAt) = (opened.AreaCode, opened.Grade, opened.OccurredAt);
        _unresourcedSeen.Add((opened.AreaCode, opened.Grade));
        if (opened.Grade == IncidentGrade.Emergency)
        {
            var key = (opened.AreaCode, calendar.MonthOf(opened.OccurredAt));
            _emergencyMonths[key] = _emergencyMonths.GetValueOrDefault(key) + 1;
        }

        CountAttendance(incident, late);
    }

    public void Resourced(IncidentResourced resourced) => IncidentFor((resourced.Source, resourced.IncidentId)).Resourced = true;

    public void Attended(IncidentAttended attended, bool late)
    {
        var atScene = IncidentFor((attended.Source, attended.IncidentId));
        atScene.Resourced = true;
        atScene.AttendedAt ??= attended.OccurredAt;
        CountAttendance(atScene, late);
    }

    public void Closed(IncidentClosed closed) => IncidentFor((closed.Source, closed.IncidentId)).ClosedAt = closed.OccurredAt;

    /// <summary>Open and unresourced incidents per area and grade seen, and force-wide per grade, with the oldest's age.</summary>
    public List<UnresourcedFigures> Unresourced(DateTimeOffset asOf)
    {
        var open = _incidents.Values.Where(i => i.IsUnresourced).ToList();
        return [.. _unresourcedSeen
            .Select(k => (k.Area, k.Grade, Incidents: open.Where(i => i.AreaCode == k.Area && i.Grade == k.Grade).ToList()))
            .Concat(_unresourcedSeen.Select(k => k.Grade).Distinct().Select(g => (Area: ForceWide.AreaCode, Grade: g, Incidents: open.Where(i => i.Grade == g).ToList())))
            .OrderBy(u => u.Area, StringComparer.Ordinal).ThenBy(u => u.Grade)
            .Select(u => new UnresourcedFigures(u.Area, u.Grade, u.Incidents.Count, u.Incidents.Count == 0 ? null : UnresourcedFigures.WholeMinutes(asOf - u.Incidents.Min(i => i.OpenedAt!.Value))))];
    }

    /// <summary>Emergency attendance per area over the last 24 hours and today, the force's first.</summary>
    public List<AttendanceFigures> Attendance(SnapshotMinutes minutes)
    {
        var attendance = _attendance.Keys.Order(StringComparer.Ordinal).Select(area => new AttendanceFigures(
                area,
                MinuteBuckets.Sum(_attendance[area], minutes.Day.First, minutes.Day.Last, default(AttendanceCounts), (a, b) => a.Plus(b)),
                MinuteBuckets.Sum(_attendance[area], minutes.Today.First, minutes.Today.Last, default(AttendanceCounts), (a, b) => a.Plus(b))))
            .ToList();
        if (attendance.Count > 0)
        {
            attendance.Insert(0, new AttendanceFigures(
                ForceWide.AreaCode,
                attendance.Aggregate(default(AttendanceCounts), (sum, a) => sum.Plus(a.Rolling24Hours)),
                attendance.Aggregate(default(AttendanceCounts), (sum, a) => sum.Plus(a.Today))));
        }

        return attendance;
    }

    public Dictionary<string, int> EmergenciesIn(YearMonth month) =>
        _emergencyMonths.Where(e => e.Key.Month == month).ToDictionary(e => e.Key.Area, e => e.Value, StringComparer.Ordinal);

    public Dictionary<string, AttendanceCounts> AttendanceIn(YearMonth month) =>
        _attendanceMonths.Where(a => a.Key.Month == month).ToDictionary(a => a.Key.Area, a => a.Value, StringComparer.Ordinal);

    public void Prune(long oldestMinute, DateTimeOffset forgetBefore)
    {
        foreach (var buckets in _attendance.Values)
        {
            MinuteBuckets.Prune(buckets, oldestMinute);
        }

        foreach (var id in _incidents.Where(i => i.Value.ClosedAt < forgetBefore).Select(i => i.Key).ToList())
        {
            _incidents.Remove(id);
        }
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
        var monthKey = (incident.AreaCode!, calendar.MonthOf(attended));
        _attendanceMonths[monthKey] = _attendanceMonths.TryGetValue(monthKey, out var month) ? month.Plus(counts) : counts;
        if (late)
        {
            return;
        }

        if (!_attendance.TryGetValue(incident.AreaCode!, out var buckets))
        {
            _attendance[incident.AreaCode!] = buckets = [];
        }

        var minute = MinuteBuckets.Minute(attended);
        buckets[minute] = buckets.TryGetValue(minute, out var existing) ? existing.Plus(counts) : counts;
    }

    private Incident IncidentFor((string Source, string IncidentId) id)
    {
        if (!_incidents.TryGetValue(id, out var incident))
        {
            _incidents[id] = incident = new Incident();
        }

        return incident;
    }

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
