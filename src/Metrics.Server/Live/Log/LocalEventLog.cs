using Metrics.Domain.Operations;
using Metrics.Live.Windows;
using Metrics.Storage.Repositories;

namespace Metrics.Server.Live.Log;

/// <summary>
/// The single process's log: the historical store's event table. A batch is stored in one
/// transaction, then applied; one batch at a time, so that arrival order, stored order and
/// applied order are the same.
/// </summary>
internal sealed class LocalEventLog(EventRepository events, LivePipeline pipeline, TimeProvider clock) : ILiveEventLog
{
    private readonly SemaphoreSlim _oneBatchAtATime = new(1, 1);

    /// <summary>The process's own clock drives the figures: current while it runs.</summary>
    public bool FiguresCurrent => true;

    public async Task<AppendedEvents> AppendAsync(IReadOnlyList<OperationalEvent> batch, CancellationToken cancellationToken)
    {
        await _oneBatchAtATime.WaitAsync(cancellationToken);
        try
        {
            var late = pipeline.ClassifyLate(batch);
            StoredBatch stored;
            using (Telemetry.ServiceTraces.Source.StartActivity("store events"))
            {
                stored = await events.StoreAsync([.. batch.Select((e, i) => (e, late[i]))], clock.GetUtcNow(), cancellationToken);
            }

            pipeline.Apply(stored.Stored);
            return new AppendedEvents(stored.Stored, stored.Duplicates, stored.IdsReused);
        }
        finally
        {
            _oneBatchAtATime.Release();
        }
    }
}
