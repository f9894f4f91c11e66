using Metrics.Domain.Operations;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Live;

/// <summary>
/// Reads a published event into the domain's, or says what is wrong with it, naming the field.
/// Every field is checked here, at the edge; nothing invalid reaches storage.
/// </summary>
internal sealed class EventContracts(TimeProvider clock)
{
    public const int MaxIdLength = Storage.StoredText.KeyLength;

    /// <summary>Event time may run ahead of the server's clock by this much (clocks differ), no more.</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromMinutes(5);

    /// <summary>No wait for an answer is longer than a day.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromHours(24);

    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public bool TryRead(V1.OperationalEvent message, IReadOnlySet<string> areaCodes, out OperationalEvent? e, out string reason)
    {
        e = null;
        reason = Check(message, areaCodes) ?? "";
        if (reason.Length > 0)
        {
            return false;
        }

        var id = message.EventId;
        var at = message.OccurredAt.ToDateTimeOffset();
        e = message.KindCase switch
        {
            V1.OperationalEvent.KindOneofCase.CallOffered => new CallOffered(id, at, message.CallOffered.CallId, Line(message.CallOffered.Line)),
            V1.OperationalEvent.KindOneofCase.CallAnswered => new CallAnswered(id, at, message.CallAnswered.CallId, Line(message.CallAnswered.Line), message.CallAnswered.Wait.ToTimeSpan()),
            V1.OperationalEvent.KindOneofCase.CallAbandoned => new CallAbandoned(id, at, message.CallAbandoned.CallId, Line(message.CallAbandoned.Line), message.CallAbandoned.Wait.ToTimeSpan()),
            V1.OperationalEvent.KindOneofCase.IncidentOpened => new IncidentOpened(id, at, message.IncidentOpened.IncidentId, message.IncidentOpened.AreaCode, (IncidentGrade)(int)message.IncidentOpened.Grade),
            V1.OperationalEvent.KindOneofCase.IncidentResourced => new IncidentResourced(id, at, message.IncidentResourced.IncidentId),
            V1.OperationalEvent.KindOneofCase.IncidentAttended => new IncidentAttended(id, at, message.IncidentAttended.IncidentId),
            V1.OperationalEvent.KindOneofCase.IncidentClosed => new IncidentClosed(id, at, message.IncidentClosed.IncidentId),
            V1.OperationalEvent.KindOneofCase.IntelligenceSubmitted => new IntelligenceSubmitted(id, at, message.IntelligenceSubmitted.ReportId, message.IntelligenceSubmitted.AreaCode),
            _ => new IntelligenceProcessed(id, at, message.IntelligenceProcessed.ReportId),
        };
        return true;
    }

    /// <summary>The message a force system would send for an event.</summary>
    public static V1.OperationalEvent ToContract(OperationalEvent e)
    {
        var message = new V1.OperationalEvent { EventId = e.EventId, OccurredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(e.OccurredAt) };
        switch (e)
        {
            case CallOffered c:
                message.CallOffered = new V1.CallOffered { CallId = c.CallId, Line = ToContract(c.Line) };
                break;
            case CallAnswered c:
                message.CallAnswered = new V1.CallAnswered { CallId = c.CallId, Line = ToContract(c.Line), Wait = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(c.Wait) };
                break;
            case CallAbandoned c:
                message.CallAbandoned = new V1.CallAbandoned { CallId = c.CallId, Line = ToContract(c.Line), Wait = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(c.Wait) };
                break;
            case IncidentOpened i:
                message.IncidentOpened = new V1.IncidentOpened { IncidentId = i.IncidentId, AreaCode = i.AreaCode, Grade = (V1.IncidentGrade)(int)i.Grade };
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

    public static V1.CallLine ToContract(CallLine line) => line == CallLine.Emergency999 ? V1.CallLine._999 : V1.CallLine._101;

    private static CallLine Line(V1.CallLine line) => line == V1.CallLine._999 ? CallLine.Emergency999 : CallLine.NonEmergency101;

    private string? Check(V1.OperationalEvent message, IReadOnlySet<string> areaCodes)
    {
        if (Id(message.EventId, "event_id") is { } badId)
        {
            return badId;
        }

        if (message.OccurredAt is null)
        {
            return "occurred_at: is required";
        }

        if (!Valid(message.OccurredAt))
        {
            return $"occurred_at: seconds {message.OccurredAt.Seconds} and nanos {message.OccurredAt.Nanos} are not a time (nanos 0 to 999,999,999; years 1 to 9999)";
        }

        var at = message.OccurredAt.ToDateTimeOffset();
        var now = clock.GetUtcNow();
        if (at > now + MaxAhead)
        {
            return $"occurred_at: {at:O} is more than {MaxAhead.TotalMinutes:0} minutes ahead of the server's clock ({now:O})";
        }

        if (at < Earliest)
        {
            return $"occurred_at: {at:O} is before {Earliest:yyyy}";
        }

        return message.KindCase switch
        {
            V1.OperationalEvent.KindOneofCase.None =>
                "kind: is required: one of call_offered, call_answered, call_abandoned, incident_opened, incident_resourced, incident_attended, incident_closed, intelligence_submitted, intelligence_processed",
            V1.OperationalEvent.KindOneofCase.CallOffered => Id(message.CallOffered.CallId, "call_offered.call_id") ?? LineCheck(message.CallOffered.Line, "call_offered.line"),
            V1.OperationalEvent.KindOneofCase.CallAnswered => Call(message.CallAnswered.CallId, message.CallAnswered.Line, message.CallAnswered.Wait, "call_answered"),
            V1.OperationalEvent.KindOneofCase.CallAbandoned => Call(message.CallAbandoned.CallId, message.CallAbandoned.Line, message.CallAbandoned.Wait, "call_abandoned"),
            V1.OperationalEvent.KindOneofCase.IncidentOpened => Id(message.IncidentOpened.IncidentId, "incident_opened.incident_id")
                ?? Area(message.IncidentOpened.AreaCode, "incident_opened.area_code", areaCodes, required: true)
                ?? (message.IncidentOpened.Grade == V1.IncidentGrade.Unspecified || !Enum.IsDefined(message.IncidentOpened.Grade)
                    ? "incident_opened.grade: is required: emergency, priority or scheduled"
                    : null),
            V1.OperationalEvent.KindOneofCase.IncidentResourced => Id(message.IncidentResourced.IncidentId, "incident_resourced.incident_id"),
            V1.OperationalEvent.KindOneofCase.IncidentAttended => Id(message.IncidentAttended.IncidentId, "incident_attended.incident_id"),
            V1.OperationalEvent.KindOneofCase.IncidentClosed => Id(message.IncidentClosed.IncidentId, "incident_closed.incident_id"),
            V1.OperationalEvent.KindOneofCase.IntelligenceSubmitted => Id(message.IntelligenceSubmitted.ReportId, "intelligence_submitted.report_id")
                ?? Area(message.IntelligenceSubmitted.AreaCode, "intelligence_submitted.area_code", areaCodes, required: false),
            _ => Id(message.IntelligenceProcessed.ReportId, "intelligence_processed.report_id"),
        };
    }

    private static string? Call(string callId, V1.CallLine line, Google.Protobuf.WellKnownTypes.Duration? wait, string field)
    {
        if ((Id(callId, $"{field}.call_id") ?? LineCheck(line, $"{field}.line")) is { } problem)
        {
            return problem;
        }

        if (wait is null)
        {
            return $"{field}.wait: is required";
        }

        if (!Valid(wait))
        {
            return $"{field}.wait: seconds {wait.Seconds} and nanos {wait.Nanos} are not a duration (nanos of the same sign as seconds, below 1,000,000,000)";
        }

        var span = wait.ToTimeSpan();
        return span < TimeSpan.Zero ? $"{field}.wait: {span.TotalSeconds:0.###} s is negative"
            : span > MaxWait ? $"{field}.wait: {span.TotalHours:0.#} hours is longer than {MaxWait.TotalHours:0} hours"
            : null;
    }

    // The well-known types refuse to convert values outside their ranges (they throw): check first.
    private static bool Valid(Google.Protobuf.WellKnownTypes.Timestamp time) =>
        time.Nanos is >= 0 and <= 999_999_999 && time.Seconds is >= -62_135_596_800 and <= 253_402_300_799;

    private static bool Valid(Google.Protobuf.WellKnownTypes.Duration duration) =>
        duration.Nanos is > -1_000_000_000 and < 1_000_000_000
        && (duration.Seconds == 0 || duration.Nanos == 0 || Math.Sign(duration.Seconds) == Math.Sign(duration.Nanos))
        && duration.Seconds is > -922_337_203_685 and < 922_337_203_685; // TimeSpan's range

    private static string? LineCheck(V1.CallLine line, string field) =>
        line is V1.CallLine._999 or V1.CallLine._101 ? null : $"{field}: is required: 999 or 101";

    private static string? Id(string value, string field) =>
        string.IsNullOrWhiteSpace(value) ? $"{field}: is required"
        : value.Length > MaxIdLength ? $"{field}: is {value.Length} characters; the most is {MaxIdLength}"
        : char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) ? $"{field}: '{Storage.StoredText.Quote(value)}' begins or ends with white space; ids are compared exactly"
        : null;

    private static string? Area(string code, string field, IReadOnlySet<string> areaCodes, bool required) =>
        string.IsNullOrEmpty(code) ? (required ? $"{field}: is required" : null)
        : code.Length > MaxIdLength ? $"{field}: is {code.Length} characters; the most is {MaxIdLength}"
        : areaCodes.Contains(code) ? null
        : $"{field}: area '{code}' does not exist";
}
