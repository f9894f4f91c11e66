using Metrics.Domain.Operations;

namespace Metrics.Server.Live.JetStream;

/// <summary>
/// The identities of the events a replica has applied, so that an event the log took twice (sent
/// again after its duplicate window) is applied once. Those that happened more than
/// <see cref="Keep"/> before the newest are forgotten: by then the historical store has them,
/// and ingest refuses their repeats there.
/// </summary>
internal sealed class EventsSeen
{
    public static readonly TimeSpan Keep = TimeSpan.FromHours(48);

    private readonly HashSet<(string Source, string EventId)> _seen = [];
    private readonly Queue<(DateTimeOffset OccurredAt, (string, string) Identity)> _order = new();
    private DateTimeOffset _newest = DateTimeOffset.MinValue;

    public int Count => _seen.Count;

    /// <summary>Remembers an event; false if its identity was seen.</summary>
    public bool Add(OperationalEvent e)
    {
        var identity = (e.Source, e.EventId);
        if (!_seen.Add(identity))
        {
            return false;
        }

        _order.Enqueue((e.OccurredAt, identity));
        if (e.OccurredAt > _newest)
        {
            _newest = e.OccurredAt;
        }

        while (_order.TryPeek(out var oldest) && oldest.OccurredAt < _newest - Keep)
        {
            _seen.Remove(_order.Dequeue().Identity);
        }

        return true;
    }
}
