using Metrics.Domain.Operations;
using Metrics.Domain.Requests;
using Metrics.Server.Requests;
using Metrics.Storage;

namespace Metrics.Server.Live;

/// <summary>
/// What makes an event one the service will take: a source and ids as the store compares them, a time not
/// ahead of the server's clock nor before 2000, waits that are not negative nor longer than a
/// day, areas that exist. Each refusal names the field as a force system sends it.
/// </summary>
internal sealed class EventChecks(TimeProvider clock)
{
    public const int MaxIdLength = StoredText.KeyLength;

    /// <summary>Event time may run ahead of the server's clock by this much (clocks differ), no more.</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromMinutes(5);

    /// <summary>No wait for an answer is longer than a day.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromHours(24);

    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Why the service will not take the event, or null.</summary>
    public EventProblem? Problem(OperationalEvent e, IReadOnlySet<string> areaCodes)
    {
        if ((Id(e.Source, "source") ?? Id(e.EventId, "event_id")) is { } badId)
        {
            return badId;
        }

        var now = clock.GetUtcNow();
        if (e.OccurredAt > now + MaxAhead)
        {
            return new(EventRejection.AheadOfServerClock, "occurred_at", $"{e.OccurredAt:O} is more than {MaxAhead.TotalMinutes:0} minutes ahead of the server's clock ({now:O})");
        }

        if (e.OccurredAt < Earliest)
        {
            return EventProblem.Malformed("occurred_at", $"{e.OccurredAt:O} is before {Earliest:yyyy}");
        }

        return e switch
        {
            CallOffered c => Id(c.CallId, "call_offered.call_id"),
            CallAnswered c => Id(c.CallId, "call_answered.call_id") ?? Wait(c.Wait, "call_answered.wait"),
            CallAbandoned c => Id(c.CallId, "call_abandoned.call_id") ?? Wait(c.Wait, "call_abandoned.wait"),
            IncidentOpened i => Id(i.IncidentId, "incident_opened.incident_id") ?? Area(i.AreaCode, "incident_opened.area_code", areaCodes, required: true),
            IncidentResourced i => Id(i.IncidentId, "incident_resourced.incident_id"),
            IncidentAttended i => Id(i.IncidentId, "incident_attended.incident_id"),
            IncidentClosed i => Id(i.IncidentId, "incident_closed.incident_id"),
            IntelligenceSubmitted r => Id(r.ReportId, "intelligence_submitted.report_id")
                ?? Area(r.AreaCode, "intelligence_submitted.area_code", areaCodes, required: false),
            IntelligenceProcessed r => Id(r.ReportId, "intelligence_processed.report_id"),
            _ => EventProblem.Malformed("kind", $"{e.GetType().Name} is not an event the service takes"),
        };
    }

    private static EventProblem? Wait(TimeSpan wait, string field) =>
        wait < TimeSpan.Zero ? EventProblem.Malformed(field, $"{wait.TotalSeconds:0.###} s is negative")
        : wait > MaxWait ? EventProblem.Malformed(field, $"{wait.TotalHours:0.#} hours is longer than {MaxWait.TotalHours:0} hours")
        : null;

    private static EventProblem? Id(string value, string field) => Validate.KeyProblem(value) is { } why ? EventProblem.Malformed(field, why) : null;

    private static EventProblem? Area(string code, string field, IReadOnlySet<string> areaCodes, bool required) =>
        string.IsNullOrEmpty(code) ? (required ? EventProblem.Malformed(field, "is required") : null)
        : code.Length > MaxIdLength ? EventProblem.Malformed(field, $"is {code.Length} characters; the most is {MaxIdLength}")
        : areaCodes.Contains(code) ? null
        : new(EventRejection.UnknownArea, field, $"area '{Quoted.Text(code)}' does not exist");
}
