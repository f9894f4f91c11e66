namespace Metrics.Domain.Operations;

/// <summary>A telephone line the control room answers.</summary>
public enum CallLine
{
    Emergency999 = 1,
    NonEmergency101 = 2,
}

/// <summary>The grade an incident is given when it is opened.</summary>
public enum IncidentGrade
{
    Emergency = 1,
    Priority = 2,
    Scheduled = 3,
}

/// <summary>
/// Something a force system reports, with the time it happened (event time). The system that
/// published it (<paramref name="Source"/>) and its id there identify it: two systems may use the
/// same ids, for events and for the calls, incidents and reports they are about.
/// </summary>
public abstract record OperationalEvent(string Source, string EventId, DateTimeOffset OccurredAt);

public sealed record CallOffered(string Source, string EventId, DateTimeOffset OccurredAt, string CallId, CallLine Line)
    : OperationalEvent(Source, EventId, OccurredAt);

public sealed record CallAnswered(string Source, string EventId, DateTimeOffset OccurredAt, string CallId, CallLine Line, TimeSpan Wait)
    : OperationalEvent(Source, EventId, OccurredAt);

public sealed record CallAbandoned(string Source, string EventId, DateTimeOffset OccurredAt, string CallId, CallLine Line, TimeSpan Wait)
    : OperationalEvent(Source, EventId, OccurredAt);

public sealed record IncidentOpened(string Source, string EventId, DateTimeOffset OccurredAt, string IncidentId, string AreaCode, IncidentGrade Grade)
    : OperationalEvent(Source, EventId, OccurredAt);

public sealed record IncidentResourced(string Source, string EventId, DateTimeOffset OccurredAt, string IncidentId)
    : OperationalEvent(Source, EventId, OccurredAt);

public sealed record IncidentAttended(string Source, string EventId, DateTimeOffset OccurredAt, string IncidentId)
    : OperationalEvent(Source, EventId, OccurredAt);

public sealed record IncidentClosed(string Source, string EventId, DateTimeOffset OccurredAt, string IncidentId)
    : OperationalEvent(Source, EventId, OccurredAt);

public sealed record IntelligenceSubmitted(string Source, string EventId, DateTimeOffset OccurredAt, string ReportId, string AreaCode)
    : OperationalEvent(Source, EventId, OccurredAt);

public sealed record IntelligenceProcessed(string Source, string EventId, DateTimeOffset OccurredAt, string ReportId)
    : OperationalEvent(Source, EventId, OccurredAt);

/// <summary>An event as stored: its place in the order of arrival, and whether it came after its windows closed.</summary>
public sealed record StoredEvent(long Sequence, OperationalEvent Event, bool Late);
