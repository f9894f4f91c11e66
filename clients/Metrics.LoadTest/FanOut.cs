using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Metrics.Contracts.V1;

/// <summary>
/// Fan-out: N subscribers to one area's incidents; once a second an incident is opened there and
/// the time from publishing it to each subscriber receiving the figure it changed is recorded.
/// The ceiling is the same with one subscriber. The server's working set with them all
/// subscribed and idle, its CPU, and its dropped and conflated counts come from its scrape.
/// </summary>
internal static class FanOut
{
    private const string Area = "telford-and-wrekin";
    private const string Key = "unresourced/telford-and-wrekin/emergency";

    public static async Task<int> RunAsync(LoadOptions options, ServerFigures server, Func<GrpcChannel> channel, GrpcChannel publishing)
    {
        var subscribers = options.Subscribers;
        var channels = Enumerable.Range(0, Math.Max(1, subscribers / 90)).Select(_ => channel()).ToArray();
        using var stop = new CancellationTokenSource();
        var published = new ConcurrentDictionary<int, long>(); // count of open incidents after the event → when it was sent
        var latencies = new ConcurrentBag<(int Event, double Milliseconds)>();
        var ready = new CountdownEvent(subscribers);

        // Memory per idle subscriber from this run alone: the working set before the streams open
        // against the same with them open and idle (another run's differs by whatever it collected).
        var unsubscribed = await server.ScrapeAsync();
        var readers = Enumerable.Range(0, subscribers).Select(i => Task.Run(async () =>
        {
            var live = new LiveService.LiveServiceClient(channels[i % channels.Length]);
            using var call = live.Subscribe(new SubscribeRequest { Feeds = { LiveFeed.Incidents }, AreaCodes = { Area } }, cancellationToken: stop.Token);
            var first = true;
            var lastCount = -1;
            try
            {
                await foreach (var message in call.ResponseStream.ReadAllAsync(stop.Token))
                {
                    if (first)
                    {
                        first = false;
                        ready.Signal();
                        continue;
                    }

                    // The figure also changes once a minute as the oldest incident ages: count each new count once.
                    var figure = message.Update?.Figures.FirstOrDefault(f => f.Key == Key);
                    if (figure is not null && figure.Unresourced.Count != lastCount && published.TryGetValue(figure.Unresourced.Count, out var sentAt))
                    {
                        lastCount = figure.Unresourced.Count;
                        latencies.Add((figure.Unresourced.Count, Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds));
                    }
                }
            }
            catch (RpcException) when (stop.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException)
            {
            }
        })).ToArray();

        ready.Wait(TimeSpan.FromSeconds(60));
        await Task.Delay(1000);
        var idle = await server.ScrapeAsync();
        var publisher = new IngestService.IngestServiceClient(publishing);
        var run = Guid.NewGuid().ToString("N")[..8];

        var baseline = (await new LiveService.LiveServiceClient(channels[0]).GetSnapshotAsync(new GetSnapshotRequest { Feeds = { LiveFeed.Incidents }, AreaCodes = { Area } }))
            .Figures.FirstOrDefault(f => f.Key == Key)?.Unresourced.Count ?? 0;

        // Events before the window, timed but not counted: this process's first publish compiles
        // its code and opens its connection (100-150 ms on these machines), and 2,000 streams
        // opened at once leave the server a collection of its oldest generation to make in the
        // seconds after (pausing it up to 260 ms): what walls see as they connect, shown apart.
        var warmup = Math.Max(1, options.WarmupSeconds);
        for (var second = 1; second <= warmup; second++)
        {
            await PublishTimed(baseline + second, $"warm-up-{second}");
        }

        var before = await server.ScrapeAsync();
        var clientCpu = ClientCpu.Seconds;
        var noCollecting = ClientCollections.PauseFor(options.Seconds);
        var clientCollections = GC.CollectionCount(0);
        var clientPause = GC.GetTotalPauseDuration();
        var clock = Stopwatch.StartNew();
        for (var second = 1; second <= options.Seconds; second++)
        {
            await PublishTimed(baseline + warmup + second, second.ToString(CultureInfo.InvariantCulture));
        }

        await Task.Delay(2000);
        var elapsed = clock.Elapsed.TotalSeconds;
        clientCpu = ClientCpu.Seconds - clientCpu;
        ClientCollections.Resume(noCollecting);
        clientCollections = GC.CollectionCount(0) - clientCollections;
        clientPause = GC.GetTotalPauseDuration() - clientPause;
        var after = await server.ScrapeAsync();
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        var timed = latencies.Where(l => l.Event > baseline + warmup).ToList();
        var all = new Latencies(timed.Select(l => l.Milliseconds));
        var warming = new Latencies(latencies.Where(l => l.Event <= baseline + warmup).Select(l => l.Milliseconds));
        var slowest = timed.GroupBy(l => l.Event).Select(g => new Latencies(g.Select(l => l.Milliseconds))).MaxBy(l => l.Max);
        var expected = (long)subscribers * options.Seconds;
        var figures = new Dictionary<string, double>
        {
            ["subscribers"] = subscribers,
            ["p50_ms"] = all.Percentile(0.50),
            ["p99_ms"] = all.Percentile(0.99),
            ["max_ms"] = all.Max,
            ["warmup_events"] = warmup,
            ["warmup_p99_ms"] = warming.Percentile(0.99),
            ["warmup_max_ms"] = warming.Max,
            ["slowest_event_first_ms"] = slowest?.Min ?? double.NaN,
            ["slowest_event_p50_ms"] = slowest?.Percentile(0.5) ?? double.NaN,
            ["received"] = all.Count,
            ["expected"] = expected,
            ["client_cpu_share"] = clientCpu / elapsed / Environment.ProcessorCount,
            ["client_gc_collections"] = clientCollections,
            ["client_gc_pause_ms"] = clientPause.TotalMilliseconds,
        };
        if (server.Enabled)
        {
            figures["server_subscribers"] = idle.Sum("metrics_live_subscribers");
            figures["working_set_idle_mb"] = idle.Sum("dotnet_process_memory_working_set_bytes") / 1024 / 1024;
            figures["working_set_per_subscriber_kb"] = idle.Increase(unsubscribed, "dotnet_process_memory_working_set_bytes") / 1024 / subscribers;
            figures["server_cpu_share"] = after.Increase(before, "dotnet_process_cpu_time_seconds_total") / elapsed / Environment.ProcessorCount;
            figures["server_delivery_p99_ms"] = after.QuantileBound("metrics_live_delivery_seconds", 0.99, before) * 1000;
            figures["dropped"] = after.Increase(before, "metrics_live_dropped_subscribers_total");
            figures["conflated"] = after.Increase(before, "metrics_live_conflated_total");
            figures["server_allocated_per_delivery_bytes"] = after.Increase(before, "dotnet_gc_heap_total_allocated_bytes_total") / expected;
            figures["server_gc_collections"] = after.Increase(before, "dotnet_gc_collections_total");
            figures["server_gc_gen2_collections"] = after.Increase(before, "dotnet_gc_collections_total", ("gc_heap_generation", "gen2"));
            figures["server_gc_gen1_collections"] = after.Increase(before, "dotnet_gc_collections_total", ("gc_heap_generation", "gen1"));
            figures["server_gc_pause_ms"] = after.Increase(before, "dotnet_gc_pause_time_seconds_total") * 1000;
        }

        Results.Record(options.ResultsFile, $"fanout-{subscribers}", figures);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"fanout      {subscribers,6} subscribers   p50 {figures["p50_ms"],7:0.0} ms   p99 {figures["p99_ms"],7:0.0} ms   max {figures["max_ms"],8:0.0} ms   received {all.Count}/{expected}   ({options.Seconds} events, one a second)"));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{"",-11} the slowest event: first received after {figures["slowest_event_first_ms"]:0.0} ms, half by {figures["slowest_event_p50_ms"]:0.0} ms, the last by {slowest?.Max:0.0} ms; the {warmup} before the window: p99 {figures["warmup_p99_ms"]:0.0} ms, max {figures["warmup_max_ms"]:0.0} ms"));
        if (server.Enabled)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{"",-11} server: {figures["server_subscribers"]} subscribed, broadcast to written p99 <= {figures["server_delivery_p99_ms"]:0.#} ms, {figures["working_set_idle_mb"]:0} MB working set with them idle ({figures["working_set_per_subscriber_kb"]:0.0} KB a subscriber more than before they opened), CPU {figures["server_cpu_share"]:P0} (client {figures["client_cpu_share"]:P0}) of {Environment.ProcessorCount} cores, {figures["dropped"]} dropped, {figures["conflated"]} conflated; {figures["server_allocated_per_delivery_bytes"]:N0} bytes allocated an update delivered, garbage collections {figures["server_gc_collections"]} (gen1 {figures["server_gc_gen1_collections"]}, gen2 {figures["server_gc_gen2_collections"]}) pausing {figures["server_gc_pause_ms"]:0} ms in all (client {clientCollections}, {clientPause.TotalMilliseconds:0} ms)"));
        }

        return all.Count >= expected ? 0 : 1;

        // One event a second; its receipts are timed from here by the open count it leads to.
        async Task PublishTimed(int openAfter, string id)
        {
            published[openAfter] = Stopwatch.GetTimestamp();
            await Publish(id);
            await Task.Delay(1000);
        }

        Task<PublishBatchResponse> Publish(string id) => publisher.PublishBatchAsync(new PublishBatchRequest
        {
            Events =
            {
                new OperationalEvent
                {
                    Source = "load-test",
                    EventId = $"fanout-{run}-{id}",
                    OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                    IncidentOpened = new IncidentOpened { IncidentId = $"fanout-{run}-{id}", AreaCode = Area, Grade = IncidentGrade.Emergency },
                },
            },
        }).ResponseAsync;
    }
}
