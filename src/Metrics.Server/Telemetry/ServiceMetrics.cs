using System.Diagnostics.Metrics;
using Metrics.Live.Subscriptions;
using Metrics.Live.Windows;

namespace Metrics.Server.Telemetry;

/// <summary>
/// How the service reports on itself (OpenTelemetry, scraped by Prometheus at /metrics): events
/// ingested and rejected, acknowledgement latency, the watermark's lag behind the clock,
/// subscribers and how far behind the slowest is, how long a change takes to be written to each
/// subscriber, conflated and dropped updates. RPC rates and
/// latencies come from the ASP.NET Core instrumentation beside these.
/// </summary>
public sealed class ServiceMetrics : IDisposable
{
    public const string MeterName = "Metrics.Server";

    private readonly Meter _meter;
    private readonly Counter<long> _events;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _acknowledged;
    private readonly Histogram<double> _delivered;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _storeUnavailable;

    /// <summary>
    /// Latency buckets in seconds, fine below 50 ms where the floors are (p99 ≤ 10 ms for a series):
    /// the defaults jump from 5 to 10 to 25 ms, too coarse to tell a p99 from its floor.
    /// </summary>
    public static readonly IReadOnlyList<double> LatencyBuckets =
        [0.0005, 0.001, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public ServiceMetrics(IMeterFactory meters, LivePipeline pipeline, LiveBroadcast broadcast, TimeProvider clock)
    {
        _meter = meters.Create(MeterName);
        _events = _meter.CreateCounter<long>("metrics.ingest.events", "{event}", "Events stored, by outcome: accepted, duplicate, late (late ones are accepted too)");
        _rejected = _meter.CreateCounter<long>("metrics.ingest.rejected", "{event}", "Events rejected at the edge");
        _acknowledged = _meter.CreateHistogram(
            "metrics.ingest.acknowledgement", "s", "From a batch's arrival to its acknowledgement (after commit)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _delivered = _meter.CreateHistogram(
            "metrics.live.delivery", "s", "From a change being broadcast to its update written to a subscriber's stream: the server's own share of how long an event takes to reach a wall",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _dropped = _meter.CreateCounter<long>("metrics.live.dropped_subscribers", "{subscriber}", "Subscribers dropped for taking no message for the stall timeout");
        _storeUnavailable = _meter.CreateCounter<long>("metrics.store.unavailable", "{call}", "Calls answered UNAVAILABLE because the historical store was locked, gone or failing over");
        _meter.CreateObservableGauge("metrics.live.watermark_lag", () => (clock.GetUtcNow() - pipeline.Watermark()).TotalSeconds, "s", "How far the watermark is behind the clock");
        _meter.CreateObservableGauge("metrics.live.subscribers", () => broadcast.ActiveSubscriptions, "{subscriber}", "Live subscriptions open");
        _meter.CreateObservableGauge("metrics.live.deepest_queue", () => broadcast.DeepestQueue, "{figure}", "Figures waiting for the slowest subscriber");
        _meter.CreateObservableCounter("metrics.live.conflated", () => broadcast.ConflatedChanges, "{change}", "Changes merged for subscribers that were behind");
        _meter.CreateObservableCounter("metrics.live.sequence", () => broadcast.ChangesPublished, "{change}", "Changes broadcast since the server started");
    }

    public void Ingested(int accepted, int duplicates, int late, int rejected, TimeSpan took)
    {
        _events.Add(accepted, new KeyValuePair<string, object?>("outcome", "accepted"));
        _events.Add(duplicates, new KeyValuePair<string, object?>("outcome", "duplicate"));
        _events.Add(late, new KeyValuePair<string, object?>("outcome", "late"));
        _rejected.Add(rejected);
        _acknowledged.Record(took.TotalSeconds);
    }

    public void UpdateDelivered(TimeSpan sinceBroadcast) => _delivered.Record(sinceBroadcast.TotalSeconds);

    public void SubscriberDropped() => _dropped.Add(1);

    public void StoreUnavailable() => _storeUnavailable.Add(1);

    public void Dispose() => _meter.Dispose();
}
