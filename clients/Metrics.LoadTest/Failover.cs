using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Metrics.Contracts.V1;
using Metrics.Storage;
using Metrics.Storage.Engines;
using Metrics.Storage.Repositories;

/// <summary>
/// Failover as a control room lives it (bench/failover.sh): N walls subscribed through the load
/// balancer, a force system publishing --rate events a second through it (each batch sent again,
/// same ids, until acknowledged), for --seconds while the script kills and restarts replicas and
/// NATS nodes underneath. Then, once the replicas settle: every wall is compared with them, every
/// acknowledged event is looked for in the historical store, and each replica's outstanding
/// intelligence with what was stored (an event applied twice would show there).
/// </summary>
internal static class Failover
{
    private const string Key = "intelligence";
    private static readonly string[] Areas = ["herefordshire", "south-worcestershire", "shropshire", "telford-and-wrekin", "north-worcestershire"];

    public static async Task<int> RunAsync(LoadOptions options, Func<string, GrpcChannel> channel, Func<string, GrpcChannel> publishing)
    {
        var balancer = options.Server;
        var replicas = options.Replicas;
        var run = Guid.NewGuid().ToString("N")[..8];
        var request = new SubscribeRequest { Feeds = { LiveFeed.Intelligence, LiveFeed.Incidents } };
        using var stop = new CancellationTokenSource();
        var channels = Enumerable.Range(0, Math.Max(1, options.Subscribers / 90)).Select(_ => channel(balancer)).ToArray();

        var before = await SettledFiguresAsync(replicas, channel, TimeSpan.FromSeconds(30));
        var baseline = Outstanding(before);
        var walls = Enumerable.Range(0, options.Subscribers).Select(i => new Wall(new LiveService.LiveServiceClient(channels[i % channels.Length]), request)).ToArray();
        var watching = walls.Select(w => w.RunAsync(stop.Token)).ToArray();
        var giveUp = DateTime.UtcNow.AddSeconds(60);
        while (walls.Any(w => !w.Ready) && DateTime.UtcNow < giveUp)
        {
            await Task.Delay(100);
        }

        var held = await Task.WhenAll(options.ReplicaMetrics.Select(async url => (await new ServerFigures(url).ScrapeAsync()).Sum("metrics_live_subscribers")));
        if (options.ReadyFile is { } ready)
        {
            await File.WriteAllTextAsync(ready, "walls subscribed\n");
        }

        var publisher = new Publisher(new IngestService.IngestServiceClient(publishing(balancer)), run, options.Rate);
        var clock = Stopwatch.StartNew();
        Array.ForEach(walls, w => w.MeasureGaps = true);
        await publisher.RunAsync(TimeSpan.FromSeconds(options.Seconds), stop.Token);
        var published = clock.Elapsed;
        await Task.Delay(1000); // the last batch's changes on their way
        Array.ForEach(walls, w => w.MeasureGaps = false);

        // The replicas settle (each has applied the whole log), then every wall should show what they do.
        var after = await SettledFiguresAsync(replicas, channel, TimeSpan.FromSeconds(60));
        var replicasEqual = after is not null;
        var settled = after ?? (await FiguresAsync(replicas[0], channel)).Figures;
        giveUp = DateTime.UtcNow.AddSeconds(20);
        while (walls.Any(w => !w.Shows(settled)) && DateTime.UtcNow < giveUp)
        {
            await Task.Delay(200);
        }

        await stop.CancelAsync();
        await Task.WhenAll(watching);

        var stored = await StoredAsync(options.Database!, $"failover-{run}-");
        var acked = publisher.Acknowledged;
        var lost = acked.Count(id => !stored.Contains(id));
        var submitted = stored.Count(id => id.Contains("-int-", StringComparison.Ordinal));
        var outstanding = await Task.WhenAll(replicas.Select(async r => Outstanding((await FiguresAsync(r, channel)).Figures)));
        var duplicated = outstanding.Max(o => Math.Max(0, o - baseline - submitted)) + (stored.Count - stored.Distinct().Count());
        var missed = walls.Sum(w => w.Differences(settled));
        var reconnected = walls.Count(w => w.Live && w.Shows(settled));
        var broken = walls.Count(w => w.Breaks > 0);
        var latencies = new Latencies(walls.SelectMany(w => w.Latencies(publisher.SentAt, baseline)));
        var calm = new Latencies(walls.SelectMany(w => w.Latencies(publisher.SentAt, baseline, before: walls.Select(x => x.FirstBreak).Min())));

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"walls through the balancer: {broken} lost their stream at least once ({walls.Sum(w => w.Breaks)} breaks), {walls.Sum(w => w.ResumedWithChanges)} resumed with the changes missed, {walls.Sum(w => w.ResumeMissed)} with a snapshot saying the resume was missed"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"subscribers held per replica before the failures: {string.Join(", ", held.Select(h => h.ToString("0", CultureInfo.InvariantCulture)))}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"event to wall: p50 {calm.Percentile(0.5):0.0} ms, p99 {calm.Percentile(0.99):0.0} ms before the first failure ({calm.Count} receipts); p99 {latencies.Percentile(0.99):0.0} ms, max {latencies.Max:0.0} ms over the whole run"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"publisher: {acked.Count} events in {published.TotalSeconds:0.0} s, {publisher.Retries} batches sent again ({string.Join("; ", publisher.Failures.GroupBy(f => f).Select(g => $"{g.Count()}× {g.Key}"))})"));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"failover: walls {walls.Length}, reconnected {reconnected}, longest gap {walls.Max(w => w.LongestGap.TotalSeconds):0.0} s, missed changes {missed}, acked {acked.Count}, stored {stored.Count}, lost {lost}, duplicated {duplicated}, replicas equal: {(replicasEqual ? "yes" : "no")}"));
        return reconnected == walls.Length && missed == 0 && lost == 0 && duplicated == 0 && replicasEqual ? 0 : 1;
    }

    private static int Outstanding(IEnumerable<LiveFigure>? figures) => figures?.FirstOrDefault(f => f.Key == Key)?.Intelligence.Outstanding ?? 0;

    private static async Task<(long Sequence, List<LiveFigure> Figures)> FiguresAsync(string replica, Func<string, GrpcChannel> channel)
    {
        var snapshot = await new LiveService.LiveServiceClient(channel(replica)).GetSnapshotAsync(
            new GetSnapshotRequest { Feeds = { LiveFeed.Intelligence, LiveFeed.Incidents } }, deadline: DateTime.UtcNow.AddSeconds(5));
        return (snapshot.Sequence, [.. snapshot.Figures]);
    }

    /// <summary>The replicas' figures once they are the same on every one and have not changed for two seconds; null if they never are.</summary>
    private static async Task<List<LiveFigure>?> SettledFiguresAsync(IReadOnlyList<string> replicas, Func<string, GrpcChannel> channel, TimeSpan timeout)
    {
        var giveUp = DateTime.UtcNow + timeout;
        string? last = null;
        var steadySince = DateTime.UtcNow;
        while (DateTime.UtcNow < giveUp)
        {
            try
            {
                var all = await Task.WhenAll(replicas.Select(r => FiguresAsync(r, channel)));
                var texts = all.Select(a => Comparable(a.Figures)).ToList();
                if (texts.Any(t => t != texts[0]) || texts[0] != last)
                {
                    steadySince = DateTime.UtcNow;
                }
                else if (DateTime.UtcNow - steadySince > TimeSpan.FromSeconds(2))
                {
                    return all[0].Figures;
                }

                last = texts[0];
            }
            catch (RpcException)
            {
                // A replica still starting.
            }

            await Task.Delay(250);
        }

        return null;
    }

    /// <summary>Figures as compared: without what moves with the clock alone (the oldest incident's age).</summary>
    private static string Comparable(IEnumerable<LiveFigure> figures) => string.Join('\n', figures.Select(Comparable).Order(StringComparer.Ordinal));

    private static string Comparable(LiveFigure figure)
    {
        var copy = figure.Clone();
        copy.Unresourced?.OldestAge = null;
        return copy.ToString();
    }

    private static async Task<List<string>> StoredAsync(string database, string prefix)
    {
        var events = new EventRepository(new Database(new StorageOptions { ConnectionString = database }));
        var stored = new List<string>();
        await foreach (var e in events.ReadAfterAsync(0, CancellationToken.None))
        {
            if (e.Event.EventId.StartsWith(prefix, StringComparison.Ordinal))
            {
                stored.Add(e.Event.EventId);
            }
        }

        return stored;
    }

    /// <summary>A force system: a batch each tenth of a second, sent again with the same ids until acknowledged.</summary>
    private sealed class Publisher(IngestService.IngestServiceClient ingest, string run, int rate)
    {
        private int _next;

        public List<string> Acknowledged { get; } = [];

        /// <summary>When each intelligence report (by its place among them) was first sent.</summary>
        public ConcurrentDictionary<int, long> SentAt { get; } = new();

        public int Retries { get; private set; }

        public List<string> Failures { get; } = [];

        private int _reports;

        public async Task RunAsync(TimeSpan duration, CancellationToken cancellationToken)
        {
            var perBatch = Math.Max(1, rate / 10);
            var clock = Stopwatch.StartNew();
            var due = TimeSpan.Zero;
            while (clock.Elapsed < duration)
            {
                var batch = Batch(perBatch);
                while (true)
                {
                    try
                    {
                        var answer = await ingest.PublishBatchAsync(batch, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
                        if (answer.Acknowledgement.Rejected.Count > 0)
                        {
                            throw new InvalidOperationException($"a batch was refused: {answer.Acknowledgement.Rejected[0].Reason}");
                        }

                        Acknowledged.AddRange(batch.Events.Select(e => e.EventId));
                        break;
                    }
                    catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
                    {
                        Retries++;
                        Failures.Add(e.StatusCode.ToString());
                        await Task.Delay(200, cancellationToken);
                    }
                }

                due += TimeSpan.FromMilliseconds(100);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, cancellationToken);
                }
            }
        }

        private PublishBatchRequest Batch(int size)
        {
            var batch = new PublishBatchRequest();
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < size; i++, _next++)
            {
                var area = Areas[_next % Areas.Length];
                var e = new OperationalEvent { Source = "failover-bench", OccurredAt = Timestamp.FromDateTimeOffset(now) };
                if (_next % 5 == 4)
                {
                    e.EventId = $"failover-{run}-inc-{_next}";
                    e.IncidentOpened = new IncidentOpened { IncidentId = e.EventId, AreaCode = area, Grade = IncidentGrade.Priority };
                }
                else
                {
                    e.EventId = $"failover-{run}-int-{_next}";
                    e.IntelligenceSubmitted = new IntelligenceSubmitted { ReportId = e.EventId, AreaCode = area };
                    SentAt[++_reports] = Stopwatch.GetTimestamp();
                }

                batch.Events.Add(e);
            }

            return batch;
        }
    }

    /// <summary>A wall display: subscribes, keeps its figures, and on a break resumes from its last message's token.</summary>
    private sealed class Wall(LiveService.LiveServiceClient live, SubscribeRequest request)
    {
        private readonly Dictionary<string, LiveFigure> _figures = [];
        private readonly List<(int Outstanding, long At)> _seen = [];
        private string _resumeToken = "";
        private long _lastMessage;

        public bool Ready { get; private set; }

        public bool Live { get; private set; }

        public int Breaks { get; private set; }

        public long FirstBreak { get; private set; } = long.MaxValue;

        public int ResumedWithChanges { get; private set; }

        public int ResumeMissed { get; private set; }

        /// <summary>The longest time without a message while changes were flowing (the publisher running).</summary>
        public TimeSpan LongestGap { get; private set; }

        public bool MeasureGaps { get; set; }

        public async Task RunAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var call = live.Subscribe(new SubscribeRequest(request) { ResumeToken = _resumeToken }, cancellationToken: stop);
                    var first = true;
                    await foreach (var message in call.ResponseStream.ReadAllAsync(stop))
                    {
                        Received(message, first);
                        first = false;
                    }
                }
                catch (Exception e) when (e is RpcException or IOException or InvalidOperationException && !stop.IsCancellationRequested)
                {
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    return;
                }

                Live = false;
                Breaks++;
                FirstBreak = Math.Min(FirstBreak, Stopwatch.GetTimestamp());
                await Task.Delay(200, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        private void Received(SubscribeResponse message, bool first)
        {
            var now = Stopwatch.GetTimestamp();
            lock (_figures)
            {
                if (_lastMessage != 0 && MeasureGaps)
                {
                    var gap = Stopwatch.GetElapsedTime(_lastMessage, now);
                    LongestGap = gap > LongestGap ? gap : LongestGap;
                }

                _lastMessage = now;
                if (first && Breaks > 0)
                {
                    ResumedWithChanges += message.Update is { Resumed: true } ? 1 : 0;
                    ResumeMissed += message.Snapshot is { ResumeMissed: true } ? 1 : 0;
                }

                switch (message.BodyCase)
                {
                    case SubscribeResponse.BodyOneofCase.Snapshot:
                        _figures.Clear();
                        message.Snapshot.Figures.ToList().ForEach(f => _figures[f.Key] = f);
                        break;
                    case SubscribeResponse.BodyOneofCase.Update:
                        message.Update.Figures.ToList().ForEach(f => _figures[f.Key] = f);
                        message.Update.RemovedKeys.ToList().ForEach(k => _figures.Remove(k));
                        break;
                }

                if (_figures.TryGetValue(Key, out var intelligence))
                {
                    _seen.Add((intelligence.Intelligence.Outstanding, now));
                }

                _resumeToken = message.ResumeToken;
                Ready = Live = true;
            }
        }

        /// <summary>How many of the figures given this wall does not show as they are.</summary>
        public int Differences(IEnumerable<LiveFigure> figures)
        {
            lock (_figures)
            {
                var expected = figures.ToDictionary(f => f.Key, Comparable);
                return expected.Count(e => !_figures.TryGetValue(e.Key, out var f) || Comparable(f) != e.Value)
                    + _figures.Keys.Count(k => !expected.ContainsKey(k));
            }
        }

        public bool Shows(IEnumerable<LiveFigure> figures) => Differences(figures) == 0;

        /// <summary>From each report's sending to this wall first showing the count it made, for those received before <paramref name="before"/>.</summary>
        public IEnumerable<double> Latencies(ConcurrentDictionary<int, long> sentAt, int baseline, long before = long.MaxValue)
        {
            List<(int Outstanding, long At)> seen;
            lock (_figures)
            {
                seen = [.. _seen];
            }

            var last = int.MinValue;
            foreach (var (outstanding, at) in seen)
            {
                if (outstanding > last && at < before && sentAt.TryGetValue(outstanding - baseline, out var sent))
                {
                    yield return Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds;
                }

                last = Math.Max(last, outstanding);
            }
        }
    }
}
