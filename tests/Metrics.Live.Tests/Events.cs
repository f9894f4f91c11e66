using Metrics.Domain.Operations;

namespace Metrics.Live.Tests;

/// <summary>Terse event builders for the tests: times as "2019-03-31T10:14:59Z".</summary>
internal static class Events
{
    /// <summary>The system the tests' events come from.</summary>
    public const string Source = "test-system";

    private static int _next;

    public static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);

    public static CallOffered Offered(string at, string call, CallLine line = CallLine.Emergency999) => new(Source, Id(), At(at), call, line);

    public static CallAnswered Answered(string at, string call, double waitSeconds, CallLine line = CallLine.Emergency999) =>
        new(Source, Id(), At(at), call, line, TimeSpan.FromSeconds(waitSeconds));

    public static CallAbandoned Abandoned(string at, string call, double waitSeconds, CallLine line = CallLine.Emergency999) =>
        new(Source, Id(), At(at), call, line, TimeSpan.FromSeconds(waitSeconds));

    public static IncidentOpened Opened(string at, string incident, string area, IncidentGrade grade = IncidentGrade.Emergency) =>
        new(Source, Id(), At(at), incident, area, grade);

    public static IncidentResourced Resourced(string at, string incident) => new(Source, Id(), At(at), incident);

    public static IncidentAttended Attended(string at, string incident) => new(Source, Id(), At(at), incident);

    public static IncidentClosed Closed(string at, string incident) => new(Source, Id(), At(at), incident);

    public static IntelligenceSubmitted Submitted(string at, string report) => new(Source, Id(), At(at), report, "");

    public static IntelligenceProcessed Processed(string at, string report) => new(Source, Id(), At(at), report);

    private static string Id() => $"e{Interlocked.Increment(ref _next)}";
}
