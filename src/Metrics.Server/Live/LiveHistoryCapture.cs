using System.Threading.Channels;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;
using Metrics.Domain.Operations;
using Metrics.Live.Windows;
using Metrics.Server.History;
using Metrics.Storage.Repositories;

namespace Metrics.Server.Live;

/// <summary>
/// Makes the live figures history, so that the monthly report's charts come from the same
/// data the wall displayed. On every hour of event time: the unresourced incidents per area and
/// grade and the outstanding intelligence are captured; the month to date's call handling and
/// emergency attendance are written as the month's figures of the report's measures, which
/// GetSeries then serves like any other. Of the replicas of a shared log, only the writer
/// (<see cref="Log.IHistoryWriterRole"/>) captures, and keeps the last hour captured beside the
/// log's position so that a writer that takes over does not capture it again.
/// </summary>
internal sealed partial class LiveHistoryCapture(
    LivePipeline pipeline,
    CaptureRepository captures,
    ImportRepository imports,
    CatalogueLookup lookup,
    LogPositionRepository marks,
    Log.IHistoryWriterRole role,
    Microsoft.Extensions.Options.IOptions<LiveServiceOptions> options,
    TimeProvider clock,
    ILogger<LiveHistoryCapture> logger) : BackgroundService
{
    /// <summary>The kind of the batches the hourly roll-ups are stored as.</summary>
    public const string RollupKind = "live_rollup";

    public const string Unresourced = "unresourced_incidents";
    public const string OutstandingIntelligence = "outstanding_intelligence_reports";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The pipeline's ticks only queue the hour; storing happens here, off the scheduler.
        var due = Channel.CreateUnbounded<(DateTimeOffset Hour, LiveSnapshot Snapshot)>();
        DateTimeOffset? lastHour = null;
        using var ticks = pipeline.Snapshots.Subscribe(snapshot =>
        {
            var hour = HourOf(snapshot.AsOf);
            if (lastHour is { } last && hour > last)
            {
                due.Writer.TryWrite((hour, snapshot));
            }

            lastHour = hour;
        });

        await foreach (var (hour, snapshot) in due.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (!role.IsWriter)
                {
                    continue;
                }

                var mark = role.CapturedHourMark is { } name ? new LogPosition(name, hour.ToUnixTimeMilliseconds()) : null;
                if (mark is not null && await marks.ReadAsync(mark.LogName, stoppingToken) >= mark.Position)
                {
                    continue;
                }

                await CaptureAsync(hour, snapshot, stoppingToken);
                if (mark is not null)
                {
                    await marks.AdvanceAsync(mark, stoppingToken);
                }
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
            {
                CaptureFailed(logger, hour, e.Message);
            }
        }
    }

    /// <summary>Stores the captures of an hour and the month to date it ends.</summary>
    public async Task CaptureAsync(DateTimeOffset hour, LiveSnapshot snapshot, CancellationToken cancellationToken)
    {
        var areas = await lookup.AreasAsync(cancellationToken);
        var force = ForceOf(snapshot, areas, options.Value.ForceCode);
        string? AreaCode(string code) => code.Length == 0 ? force?.Code : areas.Any(a => a.Code == code) ? code : null;
        var rows = new List<Capture>();
        foreach (var figure in snapshot.Unresourced)
        {
            if (AreaCode(figure.AreaCode) is { } area)
            {
                rows.Add(new Capture(Unresourced, area, figure.Grade.ToString(), hour, figure.Count));
            }
        }

        foreach (var byArea in snapshot.Unresourced.GroupBy(u => u.AreaCode))
        {
            if (AreaCode(byArea.Key) is { } area)
            {
                rows.Add(new Capture(Unresourced, area, Breakdowns.Total, hour, byArea.Sum(u => u.Count)));
            }
        }

        if (force is not null)
        {
            rows.Add(new Capture(OutstandingIntelligence, force.Code, Breakdowns.Total, hour, snapshot.Intelligence.Outstanding));
        }

        await captures.StoreAsync(rows, cancellationToken);

        // The hour just ended belongs to the month of its last minute.
        var month = pipeline.MonthOf(hour.AddMinutes(-1));
        if (force is not null)
        {
            await RollUpAsync(pipeline.Month(month), hour, force, areas, cancellationToken);
        }

        Captured(logger, hour, rows.Count);
    }

    private async Task RollUpAsync(MonthTotals totals, DateTimeOffset hour, AreaDefinition force, IReadOnlyList<AreaDefinition> areas, CancellationToken cancellationToken)
    {
        var period = Period.Month(totals.Month);
        var figures = new List<Observation>();
        void Add(string measure, string area, string breakdown, double? value, double? numerator = null, double? denominator = null) =>
            figures.Add(new Observation(measure, area, period, breakdown, value, numerator, denominator));

        foreach (var (line, calls) in totals.Calls)
        {
            var name = line == CallLine.Emergency999 ? "999" : "101";
            Add("calls_offered", force.Code, name, calls.Offered);
            Add("call_abandon_rate", force.Code, name, null, calls.Abandoned, calls.Answered + calls.Abandoned);
            Add("calls_answered_within_threshold", force.Code, name, null, calls.AnsweredWithinThreshold, calls.Answered);
        }

        foreach (var (area, count) in totals.EmergencyIncidents.Append(new(force.Code, totals.EmergencyIncidents.Values.Sum())))
        {
            Add("emergency_incidents", area, Breakdowns.Total, count);
        }

        var attendance = totals.Attendance.Append(new(force.Code, totals.Attendance.Values.Aggregate(default(AttendanceCounts), (sum, a) => sum.Plus(a))));
        foreach (var (area, counts) in attendance.Where(a => a.Value.Attended > 0))
        {
            Add("emergency_attended_within_20_minutes", area, Breakdowns.Total, null, counts.AttendedWithinTarget, counts.Attended);
            Add("emergency_response_time", area, Breakdowns.Total, null, counts.TotalSeconds, counts.Attended);
        }

        // Only measures the live feed has figures for: a month imported from elsewhere keeps its other measures.
        var known = areas.Select(a => a.Code).ToHashSet(StringComparer.Ordinal);
        figures = [.. figures.Where(f => known.Contains(f.AreaCode) && (f.Value > 0 || f.Denominator > 0))];
        if (figures.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        // Recomputed from the stored events every hour: not versioned (nothing to undo, and an
        // hourly copy of the month's figures would only grow the store).
        await imports.StoreAsync(
            new BatchDescription(RollupKind, $"live feed {totals.Month.ToIsoString()} to {hour:yyyy-MM-dd HH:mm}Z", force.Code, "", now, figures.Count),
            ReplaceScope.Of(figures), figures, versioned: false, dryRun: false, clock, cancellationToken);
    }

    /// <summary>
    /// The force the live feed reports for: Live:ForceCode if set, else the one force whose
    /// local policing areas the incidents fall in.
    /// </summary>
    private static AreaDefinition? ForceOf(LiveSnapshot snapshot, IReadOnlyList<AreaDefinition> areas, string configured)
    {
        if (configured.Length > 0)
        {
            return areas.FirstOrDefault(a => a.Code == configured && a.Kind == AreaKind.Force);
        }

        var seen = snapshot.Unresourced.Select(u => u.AreaCode).Concat(snapshot.Attendance.Select(a => a.AreaCode)).Where(c => c.Length > 0).ToHashSet(StringComparer.Ordinal);
        var parents = areas.Where(a => seen.Contains(a.Code)).Select(a => a.ParentCode).Distinct().ToList();
        return parents is [{ } parent] ? areas.FirstOrDefault(a => a.Code == parent) : null;
    }

    private static DateTimeOffset HourOf(DateTimeOffset at) => new(at.UtcDateTime.Date.AddHours(at.UtcDateTime.Hour), TimeSpan.Zero);

    [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "Captured {Rows} live figures for {Hour:O}")]
    private static partial void Captured(ILogger logger, DateTimeOffset hour, int rows);

    [LoggerMessage(EventId = 121, Level = LogLevel.Warning, Message = "Could not capture the live figures for {Hour:O}: {Reason}")]
    private static partial void CaptureFailed(ILogger logger, DateTimeOffset hour, string reason);
}
