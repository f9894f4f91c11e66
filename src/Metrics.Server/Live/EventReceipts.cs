using Metrics.Domain.Operations;

namespace Metrics.Server.Live;

/// <summary>An event as it arrived: the event, or why none could be read from it, and the id it was sent with.</summary>
internal sealed record EventReading(string EventId, OperationalEvent? Event, string? Problem);

/// <summary>An event of a batch that was not taken: its place in the batch, its id and why.</summary>
internal sealed record RejectedEvent(int Index, string EventId, string Reason);

/// <summary>What became of a batch: stored for the first time, already stored, judged late, refused.</summary>
internal sealed record BatchReceipt(int Accepted, int Duplicates, IReadOnlyList<string> LateEventIds, IReadOnlyList<RejectedEvent> Rejected);
