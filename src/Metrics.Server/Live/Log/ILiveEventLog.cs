using Metrics.Domain.Operations;

namespace Metrics.Server.Live.Log;

/// <summary>
/// Where operational events are made durable, and the order every replica applies them in
/// (Live:Log). The seam another log (Kafka, Event Hubs) would be added at: append a checked batch,
/// answer only once it is durable, each event once by its source and id; the figures follow the
/// log's order. <see cref="LocalEventLog"/> is the single process's (the historical store);
/// <see cref="JetStream.JetStreamEventLog"/> is shared by replicas (docs/scale-out.md).
/// </summary>
internal interface ILiveEventLog
{
    /// <summary>
    /// Appends the events not appended before, in the order given, and answers once they are
    /// durable: those appended now (with whether each was late), how many were repeats, and the
    /// positions in <paramref name="events"/> of those whose identity is taken by another event.
    /// </summary>
    Task<AppendedEvents> AppendAsync(IReadOnlyList<OperationalEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the figures move with the clock now. A replica whose log has stopped (no quorum:
    /// no ticks reach it) keeps its last figures and says it is not current; streams then send no
    /// heartbeats, so a wall marks itself stale as it would for a lost connection.
    /// </summary>
    bool FiguresCurrent { get; }
}

/// <summary>What appending a batch did: the events appended now, in the log's order; repeats; identities already taken (by position in the batch).</summary>
internal sealed record AppendedEvents(IReadOnlyList<StoredEvent> Appended, int Duplicates, IReadOnlyList<int> IdsReused);

/// <summary>The event log cannot take events now (no quorum, not reachable): nothing was acknowledged, send again.</summary>
internal sealed class EventLogUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
