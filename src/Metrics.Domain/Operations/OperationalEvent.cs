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

/// <summary>Something a force system reports, with its own id and the time it happened (event time).</summary>
public abstract record OperationalEvent(string EventId, DateTimeOffset OccurredAt);

public sealed record CallOffered(string EventId, DateTimeOffset OccurredAt, string CallId, CallLine Line)
    : OperationalEvent(EventId, OccurredAt);

public sealed record CallAnswered(string EventId, DateTimeOffset OccurredAt, string CallId, CallLine Line, TimeSpan Wait)
    : OperationalEvent(EventId, OccurredAt);

public sealed record CallAbandoned(string EventId, DateTimeOffset OccurredAt, string CallId, CallLine Line, TimeSpan Wait)
    : OperationalEvent(EventId, OccurredAt);

public sealed record IncidentOpened(string EventId, DateTimeOffset OccurredAt, string IncidentId, string AreaCode, IncidentGrade Grade)
    : OperationalEvent(EventId, OccurredAt);

public sealed record IncidentResourced(string EventId, DateTimeOffset OccurredAt, string IncidentId)
    : OperationalEvent(EventId, OccurredAt);

public sealed record IncidentAttended(string EventId, DateTimeOffset OccurredAt, string IncidentId)
    : OperationalEvent(EventId, OccurredAt);

public sealed record IncidentClosed(string EventId, DateTimeOffset OccurredAt, string IncidentId)
    : OperationalEvent(EventId, OccurredAt);

public sealed record IntelligenceSubmitted(string EventId, DateTimeOffset OccurredAt, string ReportId, string AreaCode)
    : OperationalEvent(EventId, OccurredAt);

public sealed record IntelligenceProcessed(string EventId, DateTimeOffset OccurredAt, string ReportId)
    : OperationalEvent(EventId, OccurredAt);

/// <summary>An event as stored: its place in the order of arrival, and whether it came after its windows closed.</summary>
public sealed record StoredEvent(long Sequence, OperationalEvent Event, bool Late);
