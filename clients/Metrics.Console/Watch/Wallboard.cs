using System.Globalization;
using Metrics.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Metrics.Console.Watch;

/// <summary>The latest figure per key and how old it is, drawn as a terminal wallboard.</summary>
public sealed class Wallboard(double staleAfterSeconds)
{
    private readonly Dictionary<string, LiveFigure> _figures = new(StringComparer.Ordinal);

    /// <summary>Areas by code, to show each by name as the wall does; a code not here is shown as it is.</summary>
    public IReadOnlyDictionary<string, string> AreaNames { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public long? LastSequence { get; private set; }

    /// <summary>Where to resume after a reconnect: the last message's token (opaque).</summary>
    public string ResumeToken { get; private set; } = "";

    public DateTimeOffset? ReceivedAt { get; private set; }

    public DateTimeOffset? AsOf { get; private set; }

    public string Connection { get; set; } = "connecting";

    public void Apply(SubscribeResponse message, DateTimeOffset receivedAt)
    {
        (LastSequence, ResumeToken, ReceivedAt, AsOf) = (message.Sequence, message.ResumeToken, receivedAt, message.AsOf?.ToDateTimeOffset());
        if (message.Snapshot is { } snapshot)
        {
            _figures.Clear();
            snapshot.Figures.ToList().ForEach(f => _figures[f.Key] = f);
        }
        else if (message.Update is { } update)
        {
            update.Figures.ToList().ForEach(f => _figures[f.Key] = f);
            update.RemovedKeys.ToList().ForEach(key => _figures.Remove(key)); // left the figures: a fresh board would not have them
        }
    }

    public bool IsStale(DateTimeOffset now) => ReceivedAt is not { } at || (now - at).TotalSeconds > staleAfterSeconds;

    public IRenderable Render(DateTimeOffset now)
    {
        var age = ReceivedAt is { } at ? $"{(now - at).TotalSeconds:0} s ago" : "never";
        var header = IsStale(now)
            ? new Markup($"[black on red] STALE [/] last data {age} · {Markup.Escape(Connection)}")
            : new Markup($"[black on green] LIVE [/] last data {age} · figures as of {AsOf?.ToLocalTime():HH:mm:ss} · #{LastSequence}");
        var rows = new List<IRenderable> { header };

        var alerts = _figures.Values.Where(f => f.Alert is { Active: true }).Select(f => f.Alert).ToList();
        rows.AddRange(alerts.Select(a => new Markup($"[white on red] ALERT [/] {Markup.Escape(a.Message)}")));

        var calls = new Table().Border(TableBorder.Rounded).Title("Calls");
        foreach (var column in new[] { "Line", "Waiting", "In time, last hour", "Abandoned, last hour", "Today offered" })
        {
            calls.AddColumn(column);
        }

        foreach (var line in new[] { "999", "101" })
        {
            var hour = _figures.GetValueOrDefault($"calls/{line}/rolling_hour")?.CallWindow;
            var today = _figures.GetValueOrDefault($"calls/{line}/today")?.CallWindow;
            var waiting = _figures.GetValueOrDefault($"calls/{line}/waiting")?.CallsWaiting?.Count ?? 0;
            calls.AddRow(line, waiting.ToString(CultureInfo.InvariantCulture), InTime(hour), Percent(hour is { HasAbandonedPercent: true } ? hour.AbandonedPercent : null), (today?.Offered ?? 0).ToString(CultureInfo.InvariantCulture));
        }

        rows.Add(calls);

        var incidents = new Table().Border(TableBorder.Rounded).Title("Unresourced incidents");
        foreach (var column in new[] { "Area", "Emergency", "Priority", "Scheduled", "Total", "Oldest" })
        {
            incidents.AddColumn(column);
        }

        foreach (var area in _figures.Values.Where(f => f.Unresourced is not null).GroupBy(f => f.Unresourced.AreaCode).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var byGrade = area.Select(f => f.Unresourced).ToList();
            int Count(IncidentGrade grade) => byGrade.Where(u => u.Grade == grade).Sum(u => u.Count);
            var total = byGrade.Sum(u => u.Count);
            var tolerance = byGrade.FirstOrDefault()?.Tolerance ?? 0;
            var oldest = byGrade.Where(u => u.OldestAge is not null).Select(u => u.OldestAge.ToTimeSpan()).DefaultIfEmpty().Max();
            var totalText = tolerance > 0 && total > tolerance ? $"[red]{total} ✗ over {tolerance}[/]" : $"{total}";
            incidents.AddRow(
                Markup.Escape(area.Key.Length == 0 ? "Force-wide" : AreaNames.GetValueOrDefault(area.Key, area.Key)),
                Count(IncidentGrade.Emergency).ToString(CultureInfo.InvariantCulture),
                Count(IncidentGrade.Priority).ToString(CultureInfo.InvariantCulture),
                Count(IncidentGrade.Scheduled).ToString(CultureInfo.InvariantCulture),
                totalText,
                total == 0 ? "–" : $"{(int)oldest.TotalHours}h {oldest.Minutes}m");
        }

        rows.Add(incidents);
        if (_figures.GetValueOrDefault("intelligence")?.Intelligence is { } intelligence)
        {
            rows.Add(new Markup($"Intelligence outstanding: [bold]{intelligence.Outstanding}[/] (limit {intelligence.Limit}) · today {intelligence.SubmittedToday} in, {intelligence.ProcessedToday} processed"));
        }

        return new Rows(rows);
    }

    private static string InTime(CallWindowFigure? hour)
    {
        if (hour is not { HasAnsweredWithinThresholdPercent: true })
        {
            return "–";
        }

        var meets = hour.AnsweredWithinThresholdPercent >= hour.StandardPercent;
        var text = $"{hour.AnsweredWithinThresholdPercent:0.0}% {(meets ? "✓ meets" : "✗ below")} {hour.StandardPercent:0}%";
        return meets ? $"[green]{text}[/]" : $"[red]{text}[/]";
    }

    private static string Percent(double? value) => value is { } v ? $"{v:0.0}%" : "–";
}
