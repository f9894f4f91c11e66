using Metrics.Domain.Operations;
using Metrics.Domain.Requests;
using Metrics.Live.Windows;
using Metrics.Server.History;
using Metrics.Server.Limits;
using Metrics.Storage.Repositories;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Live;

/// <summary>
/// A batch from validation to acknowledgement: read and check each event, then append the valid
/// ones to the event log (<see cref="Log.ILiveEventLog"/>), which decides which are late, makes them
/// durable and has them applied in its order.
/// </summary>
internal sealed class EventIngest(
    EventChecks checks,
    Log.ILiveEventLog log,
    LivePipeline pipeline,
    CatalogueLookup lookup,
    IOptions<LimitOptions> limits,
    TimeProvider clock,
    Telemetry.ServiceMetrics metrics)
{
    public async Task<BatchReceipt> IngestAsync(IReadOnlyList<EventReading> batch, CancellationToken cancellationToken)
    {
        if (limits.Value.TooManyEvents(batch.Count) is { } tooMany)
        {
            throw tooMany;
        }

        var arrived = clock.GetTimestamp();
        var rejected = new List<RejectedEvent>();
        var areas = await lookup.AreasAsync(cancellationToken);
        var areaCodes = areas.Select(a => a.Code).ToHashSet(StringComparer.Ordinal);
        pipeline.NameAreas([.. areas.Select(a => (a.Code, a.Name))]); // an area defined since the last batch is named in its alerts
        var valid = new List<OperationalEvent>(batch.Count);
        var placeInBatch = new List<int>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var reading = batch[i];
            if ((reading.Problem ?? checks.Problem(reading.Event!, areaCodes)) is { } problem)
            {
                rejected.Add(new RejectedEvent(i, reading.Source, reading.EventId, problem));
            }
            else
            {
                valid.Add(reading.Event!);
                placeInBatch.Add(i);
            }
        }

        if (valid.Count == 0)
        {
            metrics.Ingested(0, 0, 0, rejected.Count, clock.GetElapsedTime(arrived));
            return new BatchReceipt(0, 0, [], rejected);
        }

        using var span = Telemetry.ServiceTraces.Source.StartActivity("ingest batch");
        span?.SetTag("metrics.events", batch.Count);
        span?.SetTag("metrics.rejected", rejected.Count);
        var appended = await log.AppendAsync(valid, cancellationToken);
        span?.SetTag("metrics.accepted", appended.Appended.Count);
        span?.SetTag("metrics.duplicates", appended.Duplicates);
        rejected.AddRange(appended.IdsReused.Select(i => new RejectedEvent(
            placeInBatch[i],
            valid[i].Source,
            valid[i].EventId,
            new EventProblem(EventRejection.IdReused, "event_id", $"'{Quoted.Text(valid[i].EventId)}' from '{Quoted.Text(valid[i].Source)}' is stored already for an event that says something else; the stored event is kept: give this one its own id"))));
        rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
        var receipt = new BatchReceipt(appended.Appended.Count, appended.Duplicates, [.. appended.Appended.Where(e => e.Late).Select(e => (e.Event.Source, e.Event.EventId))], rejected);
        metrics.Ingested(receipt.Accepted, receipt.Duplicates, receipt.Late.Count, rejected.Count, clock.GetElapsedTime(arrived));
        return receipt;
    }
}
