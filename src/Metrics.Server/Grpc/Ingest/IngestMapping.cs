using Google.Protobuf.WellKnownTypes;
using Metrics.Domain.Operations;
using Metrics.Server.Live;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc.Ingest;

/// <summary>
/// Between the domain's operational events and metrics.v1.IngestService's messages
/// (events.proto). A message becomes an event only when every field it needs is there and
/// converts (a time, a duration, a line, a grade); what the event then says is checked behind
/// the edge (<see cref="EventChecks"/>).
/// </summary>
internal static class IngestMapping
{
    private const string Kinds =
        "call_offered, call_answered, call_abandoned, incident_opened, incident_resourced, incident_attended, incident_closed, intelligence_submitted, intelligence_processed";

    /// <summary>The event a message carries, or why it carries none.</summary>
    public static EventReading ToDomain(this V1.OperationalEvent m)
    {
        if (m.OccurredAt is null)
        {
            return Unread(m, "occurred_at", "is required");
        }

        if (!Valid(m.OccurredAt))
        {
            return Unread(m, "occurred_at", $"seconds {m.OccurredAt.Seconds} and nanos {m.OccurredAt.Nanos} are not a time (nanos 0 to 999,999,999; years 1 to 9999)");
        }

        var (id, at) = (m.EventId, m.OccurredAt.ToDateTimeOffset());
        return m.KindCase switch
        {
            V1.OperationalEvent.KindOneofCase.CallOffered => Offered(m, id, at),
            V1.OperationalEvent.KindOneofCase.CallAnswered => Call(m, m.CallAnswered.Line, m.CallAnswered.Wait, "call_answered", (line, wait) => new CallAnswered(m.Source, id, at, m.CallAnswered.CallId, line, wait)),
            V1.OperationalEvent.KindOneofCase.CallAbandoned => Call(m, m.CallAbandoned.Line, m.CallAbandoned.Wait, "call_abandoned", (line, wait) => new CallAbandoned(m.Source, id, at, m.CallAbandoned.CallId, line, wait)),
            V1.OperationalEvent.KindOneofCase.IncidentOpened => m.IncidentOpened.Grade switch
            {
                V1.IncidentGrade.Emergency => Read(m, new IncidentOpened(m.Source, id, at, m.IncidentOpened.IncidentId, m.IncidentOpened.AreaCode, IncidentGrade.Emergency)),
                V1.IncidentGrade.Priority => Read(m, new IncidentOpened(m.Source, id, at, m.IncidentOpened.IncidentId, m.IncidentOpened.AreaCode, IncidentGrade.Priority)),
                V1.IncidentGrade.Scheduled => Read(m, new IncidentOpened(m.Source, id, at, m.IncidentOpened.IncidentId, m.IncidentOpened.AreaCode, IncidentGrade.Scheduled)),
                _ => Unread(m, "incident_opened.grade", "is required: emergency, priority or scheduled"),
            },
            V1.OperationalEvent.KindOneofCase.IncidentResourced => Read(m, new IncidentResourced(m.Source, id, at, m.IncidentResourced.IncidentId)),
            V1.OperationalEvent.KindOneofCase.IncidentAttended => Read(m, new IncidentAttended(m.Source, id, at, m.IncidentAttended.IncidentId)),
            V1.OperationalEvent.KindOneofCase.IncidentClosed => Read(m, new IncidentClosed(m.Source, id, at, m.IncidentClosed.IncidentId)),
            V1.OperationalEvent.KindOneofCase.IntelligenceSubmitted => Read(m, new IntelligenceSubmitted(m.Source, id, at, m.IntelligenceSubmitted.ReportId, m.IntelligenceSubmitted.AreaCode)),
            V1.OperationalEvent.KindOneofCase.IntelligenceProcessed => Read(m, new IntelligenceProcessed(m.Source, id, at, m.IntelligenceProcessed.ReportId)),
            _ => Unread(m, "kind", $"is required: one of {Kinds}"),
        };
    }

    public static V1.BatchAcknowledgement ToContract(this BatchReceipt receipt)
    {
        var acknowledgement = new V1.BatchAcknowledgement
        {
            Accepted = receipt.Accepted,
            Duplicates = receipt.Duplicates,
            Late = receipt.Late.Count,
        };
        acknowledgement.LateEvents.Add(receipt.Late.Select(e => new V1.EventKey { Source = e.Source, EventId = e.EventId }));
        acknowledgement.Rejected.Add(receipt.Rejected.Select(r => new V1.RejectedEvent
        {
            Index = r.Index,
            Source = r.Source,
            EventId = r.EventId,
            Reason = r.Problem.Reason,
            Rejection = r.Problem.Rejection.ToContract(),
            Field = r.Problem.Field,
        }));
        return acknowledgement;
    }

    /// <summary>The message a force system would send for an event (the demo publisher publishes these).</summary>
    public static V1.OperationalEvent ToContract(this OperationalEvent e)
    {
        var message = new V1.OperationalEvent { Source = e.Source, EventId = e.EventId, OccurredAt = Timestamp.FromDateTimeOffset(e.OccurredAt) };
        switch (e)
        {
            case CallOffered c:
                message.CallOffered = new V1.CallOffered { CallId = c.CallId, Line = c.Line.ToContract() };
                break;
            case CallAnswered c:
                message.CallAnswered = new V1.CallAnswered { CallId = c.CallId, Line = c.Line.ToContract(), Wait = Duration.FromTimeSpan(c.Wait) };
                break;
            case CallAbandoned c:
                message.CallAbandoned = new V1.CallAbandoned { CallId = c.CallId, Line = c.Line.ToContract(), Wait = Duration.FromTimeSpan(c.Wait) };
                break;
            case IncidentOpened i:
                message.IncidentOpened = new V1.IncidentOpened { IncidentId = i.IncidentId, AreaCode = i.AreaCode, Grade = i.Grade.ToContract() };
                break;
            case IncidentResourced i:
                message.IncidentResourced = new V1.IncidentResourced { IncidentId = i.IncidentId };
                break;
            case IncidentAttended i:
                message.IncidentAttended = new V1.IncidentAttended { IncidentId = i.IncidentId };
                break;
            case IncidentClosed i:
                message.IncidentClosed = new V1.IncidentClosed { IncidentId = i.IncidentId };
                break;
            case IntelligenceSubmitted r:
                message.IntelligenceSubmitted = new V1.IntelligenceSubmitted { ReportId = r.ReportId, AreaCode = r.AreaCode };
                break;
            case IntelligenceProcessed r:
                message.IntelligenceProcessed = new V1.IntelligenceProcessed { ReportId = r.ReportId };
                break;
        }

        return message;
    }

    public static V1.CallLine ToContract(this CallLine line) => line == CallLine.Emergency999 ? V1.CallLine._999 : V1.CallLine._101;

    public static V1.IncidentGrade ToContract(this IncidentGrade grade) => grade switch
    {
        IncidentGrade.Emergency => V1.IncidentGrade.Emergency,
        IncidentGrade.Priority => V1.IncidentGrade.Priority,
        _ => V1.IncidentGrade.Scheduled,
    };

    /// <summary>A batch refused whole on the Publish stream, as its response says it.</summary>
    public static V1.BatchRefusal ToRefusal(this Limits.LimitExceededException limit) => new()
    {
        Reason = ErrorDetails.ReasonOf(limit),
        Message = limit.Message,
        RetryAfter = limit.RetryAfter is { } wait ? Duration.FromTimeSpan(wait) : null,
    };

    public static V1.EventRejection ToContract(this EventRejection rejection) => rejection switch
    {
        EventRejection.Malformed => V1.EventRejection.Malformed,
        EventRejection.UnknownArea => V1.EventRejection.UnknownArea,
        EventRejection.AheadOfServerClock => V1.EventRejection.AheadOfServerClock,
        EventRejection.IdReused => V1.EventRejection.IdReused,
        _ => V1.EventRejection.Unspecified,
    };

    private static EventReading Read(V1.OperationalEvent m, OperationalEvent e) => new(m.Source, m.EventId, e, null);

    private static EventReading Unread(V1.OperationalEvent m, EventProblem problem) => new(m.Source, m.EventId, null, problem);

    private static EventReading Unread(V1.OperationalEvent m, string field, string detail) => new(m.Source, m.EventId, null, EventProblem.Malformed(field, detail));

    private static (CallLine Line, EventProblem? Problem) Line(V1.CallLine line, string field) => line switch
    {
        V1.CallLine._999 => (CallLine.Emergency999, null),
        V1.CallLine._101 => (CallLine.NonEmergency101, null),
        _ => (default, EventProblem.Malformed(field, "is required: 999 or 101")),
    };

    private static EventReading Offered(V1.OperationalEvent m, string id, DateTimeOffset at)
    {
        var (line, noLine) = Line(m.CallOffered.Line, "call_offered.line");
        return noLine is null ? Read(m, new CallOffered(m.Source, id, at, m.CallOffered.CallId, line)) : Unread(m, noLine);
    }

    private static EventReading Call(V1.OperationalEvent m, V1.CallLine line, Duration? wait, string field, Func<CallLine, TimeSpan, OperationalEvent> create)
    {
        var (callLine, noLine) = Line(line, $"{field}.line");
        if (noLine is not null)
        {
            return Unread(m, noLine);
        }

        if (wait is null)
        {
            return Unread(m, $"{field}.wait", "is required");
        }

        return Valid(wait)
            ? Read(m, create(callLine, wait.ToTimeSpan()))
            : Unread(m, $"{field}.wait", $"seconds {wait.Seconds} and nanos {wait.Nanos} are not a duration (seconds within ±922,337,203,685; nanos of the same sign, below 1,000,000,000)");
    }

    // The well-known types refuse to convert values outside their ranges (they throw): check first.
    private static bool Valid(Timestamp time) =>
        time.Nanos is >= 0 and <= 999_999_999 && time.Seconds is >= -62_135_596_800 and <= 253_402_300_799;

    private static bool Valid(Duration duration) =>
        duration.Nanos is > -1_000_000_000 and < 1_000_000_000
        && (duration.Seconds == 0 || duration.Nanos == 0 || Math.Sign(duration.Seconds) == Math.Sign(duration.Nanos))
        && duration.Seconds is > -922_337_203_685 and < 922_337_203_685; // TimeSpan's range
}
