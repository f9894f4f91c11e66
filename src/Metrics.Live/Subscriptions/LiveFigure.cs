using Metrics.Live.Windows;

namespace Metrics.Live.Subscriptions;

/// <summary>The feeds a display can ask for.</summary>
public enum LiveFeedKind
{
    Calls = 1,
    Incidents = 2,
    Intelligence = 3,
    Alerts = 4,
}

/// <summary>
/// One figure a display shows, under a stable key ("calls/999/rolling_hour",
/// "unresourced/shropshire/emergency"), with the feed and area it belongs to for filtering.
/// The value is the domain's figure record, compared by value to find what changed.
/// </summary>
/// <remarks>
/// Correction: the figure is of a window that has ended, changed by an event within the lateness.
/// </remarks>
public sealed record LiveFigure(string Key, LiveFeedKind Feed, string AreaCode, object Value, bool Correction = false);

/// <summary>Every figure of a snapshot, by key.</summary>
public static class LiveFigures
{
    public static IReadOnlyDictionary<string, LiveFigure> From(LiveSnapshot snapshot)
    {
        var figures = new Dictionary<string, LiveFigure>(StringComparer.Ordinal);
        void Add(LiveFigure figure) => figures[figure.Key] = figure;

        foreach (var line in snapshot.Calls)
        {
            var name = line.Line == Domain.Operations.CallLine.Emergency999 ? "999" : "101";
            Add(new LiveFigure($"calls/{name}/waiting", LiveFeedKind.Calls, "", new CallsWaiting(line.Line, line.WaitingNow)));
            foreach (var window in line.Windows)
            {
                Add(new LiveFigure($"calls/{name}/{Snake(window.Kind)}", LiveFeedKind.Calls, "", new CallLineWindow(line.Line, window)));
            }
        }

        foreach (var unresourced in snapshot.Unresourced)
        {
            Add(new LiveFigure($"unresourced/{AreaKey(unresourced.AreaCode)}/{unresourced.Grade.ToString().ToLowerInvariant()}", LiveFeedKind.Incidents, unresourced.AreaCode, unresourced));
        }

        foreach (var attendance in snapshot.Attendance)
        {
            Add(new LiveFigure($"attendance/{AreaKey(attendance.AreaCode)}", LiveFeedKind.Incidents, attendance.AreaCode, attendance));
        }

        Add(new LiveFigure("intelligence", LiveFeedKind.Intelligence, "", snapshot.Intelligence));
        foreach (var alert in snapshot.Alerts)
        {
            Add(new LiveFigure($"alert/{alert.Kind.ToString().ToLowerInvariant()}/{alert.Subject}", LiveFeedKind.Alerts, alert.AreaCode, alert));
        }

        return figures;
    }

    private static string AreaKey(string areaCode) => areaCode.Length == 0 ? "force" : areaCode;

    private static string Snake(WindowKind kind) => kind switch
    {
        WindowKind.CurrentInterval => "current_interval",
        WindowKind.PreviousInterval => "previous_interval",
        WindowKind.RollingHour => "rolling_hour",
        _ => "today",
    };
}

/// <summary>Calls waiting on a line now.</summary>
public sealed record CallsWaiting(Domain.Operations.CallLine Line, int Count);

/// <summary>A line's window, with the line.</summary>
public sealed record CallLineWindow(Domain.Operations.CallLine Line, CallWindow Window);
