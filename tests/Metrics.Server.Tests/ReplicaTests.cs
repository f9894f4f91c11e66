using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Storage;
using Metrics.Storage.Engines;
using Metrics.Storage.Repositories;

namespace Metrics.Server.Tests;

/// <summary>
/// Two replicas of the server sharing one event log on a real three-node JetStream cluster
/// (Debian's nats-server) and one historical store: what one takes, the other shows; an event is
/// one event whichever replica it is sent to; a wall moves to the other replica without missing
/// a change.
/// </summary>
[Collection(nameof(ConsoleCommands))] // real processes: not beside the other process tests
public sealed class ReplicaTests(ReplicaTests.TwoReplicas replicas) : IClassFixture<ReplicaTests.TwoReplicas>
{
    [Fact]
    public async Task AnEventTakenByOneReplicaIsOnTheOthersFiguresAndStoredOnce()
    {
        var events = ReplicaEvents.Make("one", DateTimeOffset.UtcNow.AddMinutes(-2), 120);
        await ReplicaEvents.UntilSettledAsync(replicas.A, replicas.B);
        var before = await ReplicaEvents.OutstandingIntelligenceAsync(replicas.B);
        var acknowledged = await Ingest(replicas.A).PublishBatchAsync(new PublishBatchRequest { Events = { events } });
        Assert.Equal(120, acknowledged.Acknowledgement.Accepted);
        Assert.Empty(acknowledged.Acknowledgement.Rejected);

        var outstanding = before + events.Count(e => e.IntelligenceSubmitted is not null) - events.Count(e => e.IntelligenceProcessed is not null);
        await ReplicaEvents.UntilAsync(async () => await ReplicaEvents.OutstandingIntelligenceAsync(replicas.B) == outstanding, "the other replica shows the events");
        await ReplicaEvents.UntilSettledAsync(replicas.A, replicas.B);

        // The same events sent to the other replica: repeats, acknowledged and not applied again.
        var again = await Ingest(replicas.B).PublishBatchAsync(new PublishBatchRequest { Events = { events } });
        Assert.Equal(0, again.Acknowledgement.Accepted);
        Assert.Equal(120, again.Acknowledgement.Duplicates);

        // An id taken by another event, on the other replica: refused, naming it.
        var other = events[0].Clone();
        other.OccurredAt = Timestamp.FromDateTimeOffset(other.OccurredAt.ToDateTimeOffset().AddSeconds(1));
        var reused = await Ingest(replicas.B).PublishBatchAsync(new PublishBatchRequest { Events = { other } });
        Assert.Equal(EventRejection.IdReused, Assert.Single(reused.Acknowledgement.Rejected).Rejection);
        Assert.Equal(outstanding, await ReplicaEvents.OutstandingIntelligenceAsync(replicas.B));

        // Stored once by the replica whose turn it is to write.
        var stored = await ReplicaEvents.StoredIdsAsync(replicas.A, "one-", 120);
        Assert.Equal(events.Select(e => e.EventId).Order(), stored.Order());
    }

    [Fact]
    public async Task AWallResumesOnTheOtherReplicaWithTheChangesItMissed()
    {
        var request = new SubscribeRequest { Feeds = { LiveFeed.Intelligence, LiveFeed.Incidents } };
        using var first = new LiveService.LiveServiceClient(replicas.A.CreateChannel()).Subscribe(request);
        var wall = new ReplicaEvents.Wall();
        await wall.ReadUntilAsync(first.ResponseStream, m => m.BodyCase == SubscribeResponse.BodyOneofCase.Snapshot);

        // A change seen on the first replica, then the wall is cut off.
        await Ingest(replicas.A).PublishBatchAsync(new PublishBatchRequest { Events = { ReplicaEvents.Make("before", DateTimeOffset.UtcNow.AddSeconds(-30), 10) } });
        await wall.ReadUntilAsync(first.ResponseStream, m => m.BodyCase == SubscribeResponse.BodyOneofCase.Update);
        var resumeToken = wall.ResumeToken;
        var lastSeen = wall.Sequence;
        first.Dispose();

        // Changes while it is away, then it resumes on the other replica.
        await ReplicaEvents.UntilSettledAsync(replicas.A, replicas.B);
        var away = ReplicaEvents.Make("away", DateTimeOffset.UtcNow.AddSeconds(-20), 10);
        var outstanding = await ReplicaEvents.OutstandingIntelligenceAsync(replicas.A) + away.Count(e => e.IntelligenceSubmitted is not null) - away.Count(e => e.IntelligenceProcessed is not null);
        await Ingest(replicas.B).PublishBatchAsync(new PublishBatchRequest { Events = { away } });
        await ReplicaEvents.UntilAsync(async () => await ReplicaEvents.OutstandingIntelligenceAsync(replicas.A) == outstanding, "the first replica shows the events sent to the other");
        await ReplicaEvents.UntilSettledAsync(replicas.A, replicas.B);
        using var second = new LiveService.LiveServiceClient(replicas.B.CreateChannel()).Subscribe(new SubscribeRequest(request) { ResumeToken = resumeToken });
        Assert.True(await second.ResponseStream.MoveNext(CancellationToken.None));
        var resumed = second.ResponseStream.Current;
        Assert.Equal(SubscribeResponse.BodyOneofCase.Update, resumed.BodyCase);
        Assert.True(resumed.Update.Resumed);
        Assert.True(resumed.Sequence > lastSeen);
        wall.Apply(resumed);

        // What the wall shows is what a wall that never left shows (the replicas had settled before it resumed).
        var now = await new LiveService.LiveServiceClient(replicas.B.CreateChannel()).GetSnapshotAsync(new GetSnapshotRequest { Feeds = { request.Feeds } });
        var expected = ReplicaEvents.Comparable(now.Figures);
        Assert.True(expected.SequenceEqual(wall.Comparable()), $"{lastSeen} -> {resumed.Sequence} {now.Sequence}\n" + string.Join("\n", expected.Except(wall.Comparable())) + "\n----\n" + string.Join("\n", wall.Comparable().Except(expected)));
    }

    private static IngestService.IngestServiceClient Ingest(ServerProcess replica) => new(replica.CreateChannel());

    /// <summary>A three-node cluster and two replicas on it, started once for the class.</summary>
    public sealed class TwoReplicas : IAsyncLifetime
    {
        public NatsCluster Cluster { get; private set; } = null!;

        public ServerProcess A { get; private set; } = null!;

        public ServerProcess B { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Cluster = await NatsCluster.StartAsync();
            A = await ServerProcess.StartAsync(ReplicaEvents.Settings(Cluster, "a"));
            B = await ServerProcess.StartReplicaOfAsync(A, ReplicaEvents.Settings(Cluster, "b"));
        }

        public async Task DisposeAsync()
        {
            await B.DisposeAsync();
            await A.DisposeAsync();
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary>Events, figures and walls for the replica tests.</summary>
internal static class ReplicaEvents
{
    private static readonly string[] Areas = ["herefordshire", "south-worcestershire", "shropshire", "telford-and-wrekin", "north-worcestershire"];

    public static (string Key, string Value)[] Settings(NatsCluster cluster, string name) =>
    [
        ("Live:Log", "JetStream"),
        ("Live:JetStream:Servers", cluster.Servers),
        ("Live:JetStream:Replica", name),
        ("Live:JetStream:WriterLease", "00:00:03"),
    ];

    /// <summary>Incidents and intelligence reports over the time given, ids starting with the prefix.</summary>
    public static List<OperationalEvent> Make(string prefix, DateTimeOffset from, int count)
    {
        var events = new List<OperationalEvent>(count);
        for (var i = 0; events.Count < count; i++)
        {
            var at = from.AddMilliseconds(events.Count * 20);
            var area = Areas[i % Areas.Length];
            Add($"{prefix}-inc-{i}", at, e => e.IncidentOpened = new IncidentOpened { IncidentId = $"{prefix}-i{i}", AreaCode = area, Grade = (IncidentGrade)(1 + (i % 3)) });
            if (i % 2 == 0 && i >= 2)
            {
                Add($"{prefix}-res-{i - 2}", at, e => e.IncidentResourced = new IncidentResourced { IncidentId = $"{prefix}-i{i - 2}" });
            }

            Add($"{prefix}-int-{i}", at, e => e.IntelligenceSubmitted = new IntelligenceSubmitted { ReportId = $"{prefix}-r{i}", AreaCode = area });
            if (i % 3 == 0 && i >= 3)
            {
                Add($"{prefix}-pro-{i - 3}", at, e => e.IntelligenceProcessed = new IntelligenceProcessed { ReportId = $"{prefix}-r{i - 3}" });
            }
        }

        return events[..count];

        void Add(string id, DateTimeOffset at, Action<OperationalEvent> kind)
        {
            var e = new OperationalEvent { Source = "cad", EventId = id, OccurredAt = Timestamp.FromDateTimeOffset(at) };
            kind(e);
            events.Add(e);
        }
    }

    /// <summary>The incident and intelligence figures, without what moves with the clock alone (the oldest incident's age).</summary>
    public static List<string> Comparable(IEnumerable<LiveFigure> figures) =>
        [.. figures.Select(f =>
        {
            var figure = f.Clone();
            figure.Unresourced?.OldestAge = null;
            return figure.ToString();
        }).Order()];

    public static async Task<List<string>> FiguresAsync(ServerProcess replica)
    {
        var snapshot = await new LiveService.LiveServiceClient(replica.CreateChannel())
            .GetSnapshotAsync(new GetSnapshotRequest { Feeds = { LiveFeed.Incidents, LiveFeed.Intelligence } });
        return Comparable(snapshot.Figures);
    }

    public static async Task<int> OutstandingIntelligenceAsync(ServerProcess replica)
    {
        var snapshot = await new LiveService.LiveServiceClient(replica.CreateChannel())
            .GetSnapshotAsync(new GetSnapshotRequest { Feeds = { LiveFeed.Intelligence } });
        return snapshot.Figures.Where(f => f.Intelligence is not null).Sum(f => f.Intelligence.Outstanding);
    }

    /// <summary>Waits until the condition holds; fails after the time given (20 s unless said) saying what did not happen.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var patience = within ?? TimeSpan.FromSeconds(20);
        var giveUp = DateTime.UtcNow + patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, $"not within {patience.TotalSeconds:0} s: {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits until the replicas show the same figures and have not changed them for longer than a
    /// tick (each applies the log as it comes, and the last events of a burst show at the next
    /// tick); fails after 20 s with the first two replicas' figures.
    /// </summary>
    public static async Task UntilSettledAsync(params ServerProcess[] replicas)
    {
        var giveUp = DateTime.UtcNow.AddSeconds(20);
        var steadySince = DateTime.UtcNow;
        List<string>? before = null;
        while (true)
        {
            var figures = await Task.WhenAll(replicas.Select(FiguresAsync));
            var equal = figures.All(f => f.SequenceEqual(figures[0]));
            if (!equal || before is null || !before.SequenceEqual(figures[0]))
            {
                steadySince = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - steadySince > TimeSpan.FromSeconds(1.5))
            {
                return;
            }

            if (DateTime.UtcNow > giveUp)
            {
                Assert.True(
                    equal,
                    $"the replicas' figures differ:\n{string.Join('\n', figures[0].Except(figures[1]))}\n-- and --\n{string.Join('\n', figures[1].Except(figures[0]))}");
                Assert.Fail("the replicas' figures did not stop changing");
            }

            before = figures[0];
            await Task.Delay(250);
        }
    }

    /// <summary>The ids of the stored events starting with a prefix, once the writer has stored this many (waits up to 20 s).</summary>
    public static async Task<List<string>> StoredIdsAsync(ServerProcess replica, string prefix, int expected)
    {
        var repository = new EventRepository(new Database(new StorageOptions { ConnectionString = $"Data Source={replica.DatabaseFile}" }));
        var giveUp = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var stored = await repository.ReadAfterAsync(0, CancellationToken.None)
                .Where(e => e.Event.EventId.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.Event.EventId).ToListAsync();
            if (stored.Count >= expected || DateTime.UtcNow > giveUp)
            {
                return stored;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>A wall display's figures, kept as the stream says.</summary>
    public sealed class Wall
    {
        private readonly Dictionary<string, LiveFigure> _figures = [];

        public string ResumeToken { get; private set; } = "";

        public long Sequence { get; private set; }

        public void Apply(SubscribeResponse message)
        {
            switch (message.BodyCase)
            {
                case SubscribeResponse.BodyOneofCase.Snapshot:
                    _figures.Clear();
                    foreach (var figure in message.Snapshot.Figures)
                    {
                        _figures[figure.Key] = figure;
                    }

                    break;
                case SubscribeResponse.BodyOneofCase.Update:
                    foreach (var figure in message.Update.Figures)
                    {
                        _figures[figure.Key] = figure;
                    }

                    foreach (var key in message.Update.RemovedKeys)
                    {
                        _figures.Remove(key);
                    }

                    break;
            }

            ResumeToken = message.ResumeToken;
            Sequence = message.Sequence;
        }

        public async Task ReadUntilAsync(IAsyncStreamReader<SubscribeResponse> stream, Func<SubscribeResponse, bool> until)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (await stream.MoveNext(timeout.Token))
            {
                Apply(stream.Current);
                if (until(stream.Current))
                {
                    return;
                }
            }
        }

        public List<string> Comparable() => ReplicaEvents.Comparable(_figures.Values);
    }
}
