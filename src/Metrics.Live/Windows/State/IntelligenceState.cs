using Metrics.Domain.Operations;

namespace Metrics.Live.Windows.State;

/// <summary>Intelligence reports: which are outstanding now, and submissions and processing per minute.</summary>
internal sealed class IntelligenceState
{
    private readonly Dictionary<(string Source, string ReportId), DateTimeOffset> _outstanding = [];
    private readonly HashSet<(string Source, string ReportId)> _processed = [];
    private readonly Dictionary<long, (int Submitted, int Processed)> _intelligence = [];

    public void Submitted(IntelligenceSubmitted submitted, bool late)
    {
        if (!_processed.Contains((submitted.Source, submitted.ReportId)))
        {
            _outstanding[(submitted.Source, submitted.ReportId)] = submitted.OccurredAt;
        }

        if (!late)
        {
            Add(submitted.OccurredAt, 1, 0);
        }
    }

    public void Processed(IntelligenceProcessed processed, bool late)
    {
        _outstanding.Remove((processed.Source, processed.ReportId));
        _processed.Add((processed.Source, processed.ReportId));
        if (!late)
        {
            Add(processed.OccurredAt, 0, 1);
        }
    }

    public IntelligenceFigures Figures(SnapshotMinutes minutes)
    {
        var lastHour = MinuteBuckets.Sum(_intelligence, minutes.Hour.First, minutes.Hour.Last, (0, 0), (a, b) => (a.Item1 + b.Item1, a.Item2 + b.Item2));
        var sinceMidnight = MinuteBuckets.Sum(_intelligence, minutes.Today.First, minutes.Today.Last, (0, 0), (a, b) => (a.Item1 + b.Item1, a.Item2 + b.Item2));
        return new IntelligenceFigures(_outstanding.Count, lastHour.Item1, lastHour.Item2, sinceMidnight.Item1, sinceMidnight.Item2);
    }

    public void Prune(long oldestMinute) => MinuteBuckets.Prune(_intelligence, oldestMinute);

    private void Add(DateTimeOffset at, int submitted, int processed)
    {
        var minute = MinuteBuckets.Minute(at);
        var existing = _intelligence.GetValueOrDefault(minute);
        _intelligence[minute] = (existing.Submitted + submitted, existing.Processed + processed);
    }
}
