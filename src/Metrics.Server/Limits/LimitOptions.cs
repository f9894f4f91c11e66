namespace Metrics.Server.Limits;

/// <summary>
/// What one request or one caller may ask of the server (configuration section "Limits").
/// Each refusal names its key, so an operator knows what to raise.
/// </summary>
public sealed class LimitOptions
{
    public const string SectionName = "Limits";

    /// <summary>The largest message the server reads (gRPC answers RESOURCE_EXHAUSTED above it). Imports stream rows, so no file needs more.</summary>
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Events in one batch (INVALID_ARGUMENT above it).</summary>
    public int MaxEventsPerBatch { get; set; } = 5000;

    /// <summary>
    /// Values in one repeated field of a request (ids, codes, months, rows of a definition):
    /// INVALID_ARGUMENT above it. Repeated ids and codes are de-duplicated first. A batch's events
    /// have their own limit.
    /// </summary>
    public int MaxValuesPerField { get; set; } = 1000;

    /// <summary>Characters in any one text field of a request (INVALID_ARGUMENT above it); ids, names and descriptions have their columns' shorter limits.</summary>
    public int MaxTextLength { get; set; } = 4096;

    /// <summary>Months one request's range may span, and months of a chart (INVALID_ARGUMENT above it).</summary>
    public int MaxMonthsPerRequest { get; set; } = 360;

    /// <summary>Live streams one caller (a token's subject) may hold open at once (RESOURCE_EXHAUSTED above it).</summary>
    public int MaxSubscriptionsPerCaller { get; set; } = 50;

    /// <summary>Events a second one caller may publish, on average (RESOURCE_EXHAUSTED above it).</summary>
    public int IngestEventsPerSecond { get; set; } = 100_000;

    /// <summary>Events one caller may publish at once above the average: a system catching up after an outage.</summary>
    public int IngestBurst { get; set; } = 500_000;

    public string Key(string name) => $"{SectionName}:{name}";

    /// <summary>
    /// A batch of more events than one may hold, refused whole; null when it fits. A batch over the
    /// caller's burst could never be taken however long it waited, so that is its most too.
    /// </summary>
    public LimitExceededException? TooManyEvents(int count)
    {
        var (most, setting) = IngestBurst < MaxEventsPerBatch ? (IngestBurst, nameof(IngestBurst)) : (MaxEventsPerBatch, nameof(MaxEventsPerBatch));
        return count > most
            ? new LimitExceededException(
                LimitExceeded.EventsPerBatch,
                Key(setting),
                $"events: holds {count} events; the most per batch is {most} ({Key(setting)}): split it")
            : null;
    }
}
