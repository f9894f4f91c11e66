using Google.Protobuf.WellKnownTypes;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// Meters are process-wide by name, so another test's server would add to these counts: run
/// alone (with no other server in the process).
/// </summary>
[CollectionDefinition(nameof(TelemetryAlone), DisableParallelization = true)]
public sealed class TelemetryAlone;

/// <summary>The service reports on itself for a Prometheus scrape.</summary>
[Collection(nameof(TelemetryAlone))]
public sealed class TelemetryTests : IDisposable
{
    private readonly MetricsServerFactory _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task IngestAndSubscribersShowInTheScrape()
    {
        var ingest = new IngestService.IngestServiceClient(_server.CreateChannel());
        await ingest.PublishBatchAsync(new PublishBatchRequest
        {
            Events =
            {
                new OperationalEvent { Source = "test-system", EventId = "t1", OccurredAt = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start), CallOffered = new CallOffered { CallId = "c1", Line = CallLine._999 } },
                new OperationalEvent { Source = "test-system", EventId = "t1", OccurredAt = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start), CallOffered = new CallOffered { CallId = "c1", Line = CallLine._999 } },
                new OperationalEvent { Source = "test-system", EventId = "bad" },
            },
        });
        using var subscription = new LiveService.LiveServiceClient(_server.CreateChannel()).Subscribe(new SubscribeRequest());
        await subscription.ResponseStream.MoveNext(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);

        using var http = _server.CreateClient();
        var scrape = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Contains("metrics_ingest_events_total{otel_scope_name=\"Metrics.Server\",outcome=\"accepted\"} 1", scrape, StringComparison.Ordinal);
        Assert.Contains("metrics_ingest_events_total{otel_scope_name=\"Metrics.Server\",outcome=\"duplicate\"} 1", scrape, StringComparison.Ordinal);
        Assert.Contains("metrics_ingest_rejected_total{otel_scope_name=\"Metrics.Server\"} 1", scrape, StringComparison.Ordinal);
        Assert.Contains("metrics_live_subscribers{otel_scope_name=\"Metrics.Server\"} 1", scrape, StringComparison.Ordinal);
        Assert.Contains("metrics_ingest_acknowledgement_seconds_count{otel_scope_name=\"Metrics.Server\"} 1", scrape, StringComparison.Ordinal);

        // Latency buckets fine enough to tell a p99 from its floor (10 ms for a series): 1 ms steps to 5 ms, then 7.5 and 10.
        foreach (var bound in new[] { "0.001", "0.002", "0.005", "0.0075", "0.01", "0.015" })
        {
            Assert.Contains($"metrics_ingest_acknowledgement_seconds_bucket{{otel_scope_name=\"Metrics.Server\",le=\"{bound}\"}}", scrape, StringComparison.Ordinal);
            Assert.Matches($@"http_server_request_duration_seconds_bucket\{{[^}}]*http_route=""/metrics.v1.IngestService/PublishBatch""[^}}]*le=""{bound.Replace(".", @"\.", StringComparison.Ordinal)}""\}}", scrape);
        }
    }

    [Fact]
    public async Task EachUpdateWrittenToASubscriberIsTimedAndChangesCountFromTheServersStart()
    {
        using var subscription = new LiveService.LiveServiceClient(_server.CreateChannel()).Subscribe(new SubscribeRequest());
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.True(await subscription.ResponseStream.MoveNext(guard.Token));
        Assert.Equal(SubscribeResponse.BodyOneofCase.Snapshot, subscription.ResponseStream.Current.BodyCase);

        await new IngestService.IngestServiceClient(_server.CreateChannel()).PublishBatchAsync(new PublishBatchRequest
        {
            Events = { new OperationalEvent { Source = "test-system", EventId = "d1", OccurredAt = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start), CallOffered = new CallOffered { CallId = "c1", Line = CallLine._999 } } },
        });
        _server.Advance(TimeSpan.FromSeconds(1));
        do
        {
            Assert.True(await subscription.ResponseStream.MoveNext(guard.Token));
        }
        while (subscription.ResponseStream.Current.BodyCase != SubscribeResponse.BodyOneofCase.Update);

        using var http = _server.CreateClient();
        var scrape = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        long Value(string series) =>
            long.Parse(System.Text.RegularExpressions.Regex.Match(scrape, $@"^{series}\{{otel_scope_name=""Metrics.Server""\}} (\d+)", System.Text.RegularExpressions.RegexOptions.Multiline).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(Value("metrics_live_delivery_seconds_count") >= 1, scrape);
        Assert.Contains("metrics_live_delivery_seconds_bucket{otel_scope_name=\"Metrics.Server\",le=\"0.001\"}", scrape, StringComparison.Ordinal);

        // Sequence numbers start from the process's start time; the counter counts changes.
        Assert.InRange(Value("metrics_live_sequence_total"), 1, 10);
        Assert.True(subscription.ResponseStream.Current.Sequence > 1_000_000_000_000_000);
    }
}

/// <summary>Every RPC is a span tagged with its method and status; ingest shows where its time goes.</summary>
[Collection(nameof(TelemetryAlone))]
public sealed class TracingTests : IDisposable
{
    private readonly MetricsServerFactory _server = new();
    private readonly List<System.Diagnostics.Activity> _spans = [];
    private readonly System.Diagnostics.ActivityListener _listener;

    public TracingTests()
    {
        _listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "Metrics.Server",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                lock (_spans)
                {
                    _spans.Add(span);
                }
            },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task RpcsAndTheIngestStepsAreSpans()
    {
        await _server.Measures().GetSeriesAsync(new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia" });
        await new IngestService.IngestServiceClient(_server.CreateChannel()).PublishBatchAsync(new PublishBatchRequest
        {
            Events = { new OperationalEvent { Source = "test-system", EventId = "traced", OccurredAt = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start), CallOffered = new CallOffered { CallId = "c1", Line = CallLine._999 } } },
        });

        // A request's span ends after its response is sent: wait for both to have ended.
        List<System.Diagnostics.Activity> spans;
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            lock (_spans)
            {
                spans = [.. _spans];
            }

            if (spans.Count(s => s.GetTagItem("grpc.method") is "/metrics.v1.MeasuresService/GetSeries" or "/metrics.v1.IngestService/PublishBatch") >= 2 || guard.IsCancellationRequested)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        var series = Assert.Single(spans, s => Equals(s.GetTagItem("grpc.method"), "/metrics.v1.MeasuresService/GetSeries"));
        var publish = Assert.Single(spans, s => Equals(s.GetTagItem("grpc.method"), "/metrics.v1.IngestService/PublishBatch"));
        var ingest = Assert.Single(spans, s => s.OperationName == "ingest batch");
        var store = Assert.Single(spans, s => s.OperationName == "store events");
        Assert.Equal("0", series.GetTagItem("grpc.status_code")?.ToString());
        Assert.Equal(publish.SpanId, ingest.ParentSpanId);
        Assert.Equal(ingest.SpanId, store.ParentSpanId);
        Assert.Equal(1, ingest.GetTagItem("metrics.accepted"));
    }
}
