using System.Runtime.InteropServices;
using Metrics.Domain.Calendar;
using Metrics.Domain.Operations;

namespace Metrics.Live.Windows.State;

/// <summary>999 and 101 calls: who is waiting now, and counts per minute and per month by line.</summary>
internal sealed class CallsState(LiveOptions options, EventCalendar calendar)
{
    private readonly Dictionary<CallLine, Dictionary<long, CallCounts>> _calls = new()
    {
        [CallLine.Emergency999] = [],
        [CallLine.NonEmergency101] = [],
    };

    private readonly Dictionary<(string Source, string CallId), (CallLine Line, DateTimeOffset OfferedAt)> _waiting = [];
    private readonly Dictionary<(string Source, string CallId), DateTimeOffset> _endedCalls = [];
    private readonly Dictionary<(CallLine Line, YearMonth Month), CallCounts> _callMonths = [];

    public void Offered(CallOffered offered, bool late)
    {
        // An answer or abandon seen before its offer (out of order) ended the call already.
        if (!_endedCalls.Remove((offered.Source, offered.CallId)))
        {
            _waiting[(offered.Source, offered.CallId)] = (offered.Line, offered.OccurredAt);
        }

        Add(offered.Line, offered.OccurredAt, new CallCounts(1, 0, 0, 0, 0, 0), late);
    }

    public void Answered(CallAnswered answered, bool late)
    {
        End((answered.Source, answered.CallId), answered.OccurredAt);
        var within = answered.Wait <= options.StandardFor(answered.Line).AnswerWithin ? 1 : 0;
        Add(answered.Line, answered.OccurredAt, new CallCounts(0, 1, 0, within, answered.Wait.TotalSeconds, answered.Wait.TotalSeconds), late);
    }

    public void Abandoned(CallAbandoned abandoned, bool late)
    {
        End((abandoned.Source, abandoned.CallId), abandoned.OccurredAt);
        if (abandoned.Wait < options.ShortAbandon)
        {
            // Neither offered nor abandoned: take back the offer where it was counted.
            Add(abandoned.Line, abandoned.OccurredAt - abandoned.Wait, new CallCounts(-1, 0, 0, 0, 0, 0), late);
        }
        else
        {
            Add(abandoned.Line, abandoned.OccurredAt, new CallCounts(0, 0, 1, 0, 0, 0), late);
        }
    }

    public List<CallLineFigures> Figures(SnapshotMinutes minutes) => [.. _calls.Select(line =>
    {
        var standard = options.StandardFor(line.Key).StandardPercent;
        CallWindow Window(WindowKind kind, long first, long last) => new(
            kind,
            MinuteBuckets.Time(first),
            MinuteBuckets.Time(last + 1),
            MinuteBuckets.Sum(line.Value, first, last, default(CallCounts), (a, b) => a.Plus(b)),
            MinuteBuckets.Time(last + 1) <= minutes.Watermark,
            standard,
            options.MinimumAnsweredToJudge);

        var (start, length) = (minutes.IntervalStart, minutes.IntervalMinutes);
        return new CallLineFigures(line.Key, _waiting.Values.Count(w => w.Line == line.Key),
        [
            Window(WindowKind.CurrentInterval, start, start + length - 1),
            Window(WindowKind.PreviousInterval, start - length, start - 1),
            Window(WindowKind.RollingHour, minutes.Hour.First, minutes.Hour.Last),
            Window(WindowKind.Today, minutes.Today.First, minutes.Today.Last),
        ]);
    })];

    public Dictionary<CallLine, CallCounts> Month(YearMonth month) =>
        _callMonths.Where(c => c.Key.Month == month).ToDictionary(c => c.Key.Line, c => c.Value);

    public void Prune(long oldestMinute, DateTimeOffset forgetBefore)
    {
        foreach (var buckets in _calls.Values)
        {
            MinuteBuckets.Prune(buckets, oldestMinute);
        }

        foreach (var call in _endedCalls.Where(c => c.Value < forgetBefore).Select(c => c.Key).ToList())
        {
            _endedCalls.Remove(call);
        }
    }

    private void Add(CallLine line, DateTimeOffset at, CallCounts counts, bool late)
    {
        // One lookup per update: these run for every call event.
        ref var month = ref CollectionsMarshal.GetValueRefOrAddDefault(_callMonths, (line, calendar.MonthOf(at)), out _);
        month = month.Plus(counts);
        if (late)
        {
            return;
        }

        ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(_calls[line], MinuteBuckets.Minute(at), out _);
        bucket = bucket.Plus(counts);
    }

    /// <summary>A call ends; only an end that comes before its offer is remembered, for when the offer arrives. Calls are told apart by source and id.</summary>
    private void End((string Source, string CallId) callId, DateTimeOffset at)
    {
        if (!_waiting.Remove(callId))
        {
            _endedCalls[callId] = at;
        }
    }
}
