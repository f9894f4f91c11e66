using System.Globalization;
using Metrics.Domain.Operations;
using Metrics.Live.Windows;

namespace Metrics.Live.Alerts;

/// <summary>What an alert is about.</summary>
public enum AlertKind
{
    BelowStandard = 1,
    AbandonRateHigh = 2,
    UnresourcedAboveTolerance = 3,
    OutstandingIntelligenceHigh = 4,
}

/// <summary>An alert: raised once when its figure passes the threshold, cleared once when it has been back long enough.</summary>
public sealed record Alert(
    AlertKind Kind,
    string Subject,
    string AreaCode,
    string Message,
    double Value,
    double Threshold,
    bool Active,
    DateTimeOffset RaisedAt,
    DateTimeOffset? ClearedAt)
{
    /// <summary>What the alert is raised on: its rule decides (the call-handling rules a line, the unresourced rule an area).</summary>
    public AlertScope Scope => Kind switch
    {
        AlertKind.BelowStandard or AlertKind.AbandonRateHigh => AlertScope.CallLine,
        AlertKind.UnresourcedAboveTolerance => AlertScope.Area,
        _ => AlertScope.Force,
    };

    /// <summary>The line, for an alert on a call line.</summary>
    public CallLine? Line => Scope == AlertScope.CallLine ? (Subject == "999" ? CallLine.Emergency999 : CallLine.NonEmergency101) : null;
}

/// <summary>What an alert is raised on.</summary>
public enum AlertScope
{
    CallLine = 1,
    Area = 2,
    Force = 3,
}

/// <summary>
/// Evaluates the rules on each snapshot. State per rule and subject: an alert is raised the
/// first time its figure breaches, and cleared only when the figure has stayed on the right
/// side of the threshold for <see cref="AlertRules.ClearAfter"/>; a breach in that time keeps it raised.
/// </summary>
public sealed class AlertEvaluator(AlertRules rules, Func<string, string>? areaName = null)
{
    private static readonly CultureInfo English = CultureInfo.InvariantCulture;
    private readonly Dictionary<(AlertKind, string), (Alert Alert, DateTimeOffset? BackSince)> _alerts = [];

    /// <summary>Every alert raised so far and not forgotten: the active ones and those cleared.</summary>
    public IReadOnlyList<Alert> Current => [.. _alerts.Values.Select(a => a.Alert).OrderBy(a => a.Kind).ThenBy(a => a.Subject, StringComparer.Ordinal)];

    public IReadOnlyList<Alert> Evaluate(LiveSnapshot snapshot)
    {
        foreach (var (kind, subject, area, value, threshold, breached, message) in Readings(snapshot))
        {
            Step(kind, subject, area, value, threshold, breached, message, snapshot.AsOf);
        }

        // A cleared alert is shown for a day, then forgotten.
        foreach (var key in _alerts.Where(a => a.Value.Alert.ClearedAt < snapshot.AsOf - TimeSpan.FromDays(1)).Select(a => a.Key).ToList())
        {
            _alerts.Remove(key);
        }

        return Current;
    }

    private IEnumerable<(AlertKind, string, string, double, double, bool, string)> Readings(LiveSnapshot snapshot)
    {
        foreach (var line in snapshot.Calls)
        {
            var name = line.Line == CallLine.Emergency999 ? "999" : "101";
            var hour = line.Window(WindowKind.RollingHour);
            if (hour.MeetsStandard is not null && hour.Counts.PercentAnsweredWithinThreshold is { } within)
            {
                yield return (AlertKind.BelowStandard, name, "", within, hour.StandardPercent, within < hour.StandardPercent,
                    string.Format(English, "{0}: {1:0.0}% answered in time over the last hour, below the {2:0}% standard", name, within, hour.StandardPercent));
            }

            if (hour.Counts.AbandonRate is { } abandonRate && rules.AbandonRateLimit.TryGetValue(line.Line, out var limit))
            {
                yield return (AlertKind.AbandonRateHigh, name, "", abandonRate, limit, abandonRate > limit,
                    string.Format(English, "{0}: {1:0.0}% of calls abandoned over the last hour, above the {2:0.#}% limit", name, abandonRate, limit));
            }
        }

        foreach (var area in snapshot.Unresourced.Where(u => u.AreaCode != ForceWide.AreaCode).GroupBy(u => u.AreaCode))
        {
            var count = area.Sum(u => u.Count);
            var tolerance = rules.ToleranceFor(area.Key);
            yield return (AlertKind.UnresourcedAboveTolerance, area.Key, area.Key, count, tolerance, count > tolerance,
                string.Format(English, "{0}: {1} unresourced incidents, above the tolerance of {2}", areaName?.Invoke(area.Key) ?? area.Key, count, tolerance));
        }

        var outstanding = snapshot.Intelligence.Outstanding;
        yield return (AlertKind.OutstandingIntelligenceHigh, "force", "", outstanding, rules.OutstandingIntelligenceLimit, outstanding > rules.OutstandingIntelligenceLimit,
            string.Format(English, "{0} intelligence reports outstanding, above the limit of {1}", outstanding, rules.OutstandingIntelligenceLimit));
    }

    private void Step(AlertKind kind, string subject, string area, double value, double threshold, bool breached, string message, DateTimeOffset now)
    {
        var key = (kind, subject);
        var known = _alerts.TryGetValue(key, out var existing);
        if (breached)
        {
            // Raise once. While raised the alert does not change (no message per tick); a
            // breach during a recovery starts the recovery again.
            _alerts[key] = known && existing.Alert.Active
                ? (existing.Alert, null)
                : (new Alert(kind, subject, area, message, value, threshold, true, now, null), null);
            return;
        }

        if (!known || !existing.Alert.Active)
        {
            return;
        }

        var backSince = existing.BackSince ?? now;
        _alerts[key] = now - backSince >= rules.ClearAfter
            ? (existing.Alert with { Value = value, Active = false, ClearedAt = now }, null)
            : (existing.Alert, backSince);
    }
}
