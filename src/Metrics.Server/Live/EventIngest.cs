using Metrics.Domain.Operations;
using Metrics.Domain.Requests;
using Metrics.Live.Windows;
using Metrics.Server.Grpc;
using Metrics.Server.History;
using Metrics.Server.Limits;
using Metrics.Storage.Repositories;
using Microsoft.Extensions.Options;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Live;

/// <summary>
/// A batch from validation to acknowledgement: read and check each event, decide which are
/// late, store the new ones in one transaction, then give them to the live feed. One batch at
/// a time, so that arrival order, stored order and applied order are the same.
/// </summary>
internal sealed class EventIngest(
    EventContracts contracts,
    EventRepository events,
    LivePipeline feed,
    CatalogueLookup lookup,
    IOptions<LimitOptions> limits,
    TimeProvider clock,
    Telemetry.ServiceMetrics metrics)
{
    private readonly SemaphoreSlim _oneBatchAtATime = new(1, 1);

    public async Task<V1.BatchAcknowledgement> IngestAsync(IReadOnlyList<V1.OperationalEvent> batch, CancellationToken cancellationToken)
    {
        var most = limits.Value.MaxEventsPerBatch;
        if (batch.Count > most)
        {
            throw new InvalidFieldException("events", $"holds {batch.Count} events; the most per batch is {most} ({limits.Value.Key(nameof(LimitOptions.MaxEventsPerBatch))})");
        }

        var arrived = clock.GetTimestamp();
        var acknowledgement = new V1.BatchAcknowledgement();
        var areaCodes = (await lookup.AreasAsync(cancellationToken)).Select(a => a.Code).ToHashSet(StringComparer.Ordinal);
        var valid = new List<OperationalEvent>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (contracts.TryRead(batch[i], areaCodes, out var e, out var reason))
            {
                valid.Add(e!);
            }
            else
            {
                acknowledgement.Rejected.Add(new V1.RejectedEvent { Index = i, EventId = batch[i].EventId, Reason = reason });
            }
        }

        if (valid.Count == 0)
        {
            metrics.Ingested(0, 0, 0, acknowledgement.Rejected.Count, clock.GetElapsedTime(arrived));
            return acknowledgement;
        }

        using var span = Telemetry.ServiceTraces.Source.StartActivity("ingest batch");
        span?.SetTag("metrics.events", batch.Count);
        span?.SetTag("metrics.rejected", acknowledgement.Rejected.Count);
        await _oneBatchAtATime.WaitAsync(cancellationToken);
        try
        {
            var late = feed.ClassifyLate(valid);
            StoredBatch stored;
            using (Telemetry.ServiceTraces.Source.StartActivity("store events"))
            {
                stored = await events.StoreAsync([.. valid.Select((e, i) => (e, late[i]))], clock.GetUtcNow(), cancellationToken);
            }

            feed.Apply(stored.Stored);
            span?.SetTag("metrics.accepted", stored.Stored.Count);
            span?.SetTag("metrics.duplicates", stored.Duplicates);
            acknowledgement.Accepted = stored.Stored.Count;
            acknowledgement.Duplicates = stored.Duplicates;
            acknowledgement.LateEventIds.Add(stored.Stored.Where(e => e.Late).Select(e => e.Event.EventId));
            acknowledgement.Late = acknowledgement.LateEventIds.Count;
        }
        finally
        {
            _oneBatchAtATime.Release();
        }

        metrics.Ingested(acknowledgement.Accepted, acknowledgement.Duplicates, acknowledgement.Late, acknowledgement.Rejected.Count, clock.GetElapsedTime(arrived));
        return acknowledgement;
    }
}
