namespace Metrics.Server.Live.Log;

/// <summary>
/// Whether this process writes the live feed's history (hourly captures and month roll-ups):
/// the single process always does; of the replicas of a shared log, the one holding the writer's
/// turn (<see cref="JetStream.WriterLease"/>), so that history is written once however many run.
/// </summary>
internal interface IHistoryWriterRole
{
    bool IsWriter { get; }

    /// <summary>Where the last hour captured is kept (a shared log's name and "/captures"), so a writer that takes over captures no hour twice; null: nowhere.</summary>
    string? CapturedHourMark { get; }
}

internal sealed class SingleProcessWriter : IHistoryWriterRole
{
    public bool IsWriter => true;

    public string? CapturedHourMark => null;
}
