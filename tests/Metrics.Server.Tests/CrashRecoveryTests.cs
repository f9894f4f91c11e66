using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Storage;
using Metrics.Storage.Engines;
using Metrics.Storage.Repositories;
using Xunit.Abstractions;

namespace Metrics.Server.Tests;

/// <summary>
/// The server killed (SIGKILL) at random points while a publisher streams events, ten times, and
/// restarted each time: every acknowledged event is stored, every event exactly once, and the
/// live figures equal those of a server that took the same events without a break.
/// </summary>
[Collection(nameof(ConsoleCommands))] // real processes: not beside the other process tests
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Kills = 10;
    private const int BatchSize = 50;
    private static readonly string[] Areas = ["herefordshire", "south-worcestershire", "shropshire", "telford-and-wrekin", "north-worcestershire"];

    [Fact]
    public async Task EveryAcknowledgedEventSurvivesTenKillsExactlyOnce()
    {
        var seed = TestSeed.From("METRICS_CRASH_SEED");
        output.WriteLine($"kill points from seed {seed} (METRICS_CRASH_SEED={seed} replays it)");
        var random = new Random(seed);
        var events = Events(DateTimeOffset.UtcNow.AddMinutes(-9), 20_000);

        await using var crashed = await ServerProcess.StartAsync();
        var publisher = new Publisher(crashed, events);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var publishing = publisher.RunAsync(stop.Token);
        for (var kill = 0; kill < Kills; kill++)
        {
            // Some batches in, then a moment more: the kill lands anywhere in reading, storing,
            // applying or acknowledging the next batch.
            var acknowledged = publisher.WaitForAcknowledgementsAsync(random.Next(1, 20), stop.Token);
            if (await Task.WhenAny(acknowledged, publishing) == publishing)
            {
                await publishing; // it failed: say why
                Assert.Fail($"the publisher finished before kill {kill + 1}");
            }

            await Task.Delay(random.Next(0, 4), stop.Token);
            output.WriteLine($"kill {kill + 1} after {publisher.Acknowledged.Count} events acknowledged");
            await crashed.RestartAsync();
        }

        await publishing;
        output.WriteLine(string.Join("\n", publisher.Failures.Distinct()));
        var day = LondonDay();
        var crashedFigures = await FiguresAsync(crashed, keepToday: true);
        var stored = await StoredEventIdsAsync(crashed);

        await using var uninterrupted = await ServerProcess.StartAsync();
        await new Publisher(uninterrupted, events).RunAsync(stop.Token);
        var expectedFigures = await FiguresAsync(uninterrupted, keepToday: true);
        if (LondonDay() != day)
        {
            // Midnight in London fell between the two reads: "today" began again for one of them.
            crashedFigures = await FiguresAsync(crashed, keepToday: false);
            expectedFigures = await FiguresAsync(uninterrupted, keepToday: false);
        }

        output.WriteLine($"{publisher.Reconnects} reconnects; {publisher.Acknowledged.Count} events acknowledged, {publisher.Duplicates} re-sent after a kill were already stored");
        Assert.Equal(Kills, crashed.Restarts);
        Assert.Equal(stored.Count, stored.Distinct().Count()); // once each
        Assert.Empty(publisher.Acknowledged.Except(stored)); // nothing acknowledged is lost
        Assert.Equal(events.Select(e => e.EventId).Order(), stored.Order()); // and the publisher's retries completed the rest
        Assert.Equal(expectedFigures, crashedFigures);
        var outstanding = events.Count(e => e.IntelligenceSubmitted is not null) - events.Count(e => e.IntelligenceProcessed is not null);
        Assert.Contains($"\"outstanding\": {outstanding},", crashedFigures.Single(f => f.Contains("\"key\": \"intelligence\"", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    /// <summary>Incidents and intelligence reports over the last minutes, in time order: their figures do not move with the clock.</summary>
    private static List<OperationalEvent> Events(DateTimeOffset from, int count)
    {
        var events = new List<OperationalEvent>(count);
        for (var i = 0; events.Count < count; i++)
        {
            var at = from.AddMilliseconds(events.Count * 20);
            var area = Areas[i % Areas.Length];
            Add($"inc-{i}", at, e => e.IncidentOpened = new IncidentOpened { IncidentId = $"i{i}", AreaCode = area, Grade = (IncidentGrade)(1 + (i % 3)) });
            if (i % 2 == 0 && i >= 4)
            {
                Add($"res-{i - 4}", at, e => e.IncidentResourced = new IncidentResourced { IncidentId = $"i{i - 4}" });
            }

            if (i % 4 == 0 && i >= 8)
            {
                Add($"att-{i - 8}", at, e => e.IncidentAttended = new IncidentAttended { IncidentId = $"i{i - 8}" });
                Add($"clo-{i - 8}", at, e => e.IncidentClosed = new IncidentClosed { IncidentId = $"i{i - 8}" });
            }

            Add($"int-{i}", at, e => e.IntelligenceSubmitted = new IntelligenceSubmitted { ReportId = $"r{i}", AreaCode = area });
            if (i % 3 == 0 && i >= 3)
            {
                Add($"pro-{i - 3}", at, e => e.IntelligenceProcessed = new IntelligenceProcessed { ReportId = $"r{i - 3}" });
            }
        }

        return events[..count];

        void Add(string id, DateTimeOffset at, Action<OperationalEvent> kind)
        {
            var e = new OperationalEvent { Source = "test-system", EventId = id, OccurredAt = Timestamp.FromDateTimeOffset(at) };
            kind(e);
            events.Add(e);
        }
    }

    /// <summary>
    /// The incident and intelligence figures once the server has published a change after every
    /// event was acknowledged (figures go out once a second), without the oldest incident's age
    /// (it grows with the clock).
    /// </summary>
    private static DateOnly LondonDay() =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/London")).DateTime);

    private static async Task<List<string>> FiguresAsync(ServerProcess server, bool keepToday)
    {
        var live = new LiveService.LiveServiceClient(server.CreateChannel());
        var request = new GetSnapshotRequest { Feeds = { LiveFeed.Incidents, LiveFeed.Intelligence } };
        var allAcknowledged = DateTimeOffset.UtcNow;
        var snapshot = await live.GetSnapshotAsync(request);
        while (snapshot.AsOf.ToDateTimeOffset() <= allAcknowledged)
        {
            await Task.Delay(100);
            snapshot = await live.GetSnapshotAsync(request);
        }

        return [.. snapshot.Figures.Select(f =>
        {
            var figure = f.Clone();
            figure.Unresourced?.OldestAge = null;
            if (!keepToday && figure.Intelligence is { } intelligence)
            {
                (intelligence.SubmittedToday, intelligence.ProcessedToday) = (0, 0);
            }

            return figure.ToString();
        }).Order()];
    }

    private static async Task<List<string>> StoredEventIdsAsync(ServerProcess server)
    {
        var repository = new EventRepository(new Database(new StorageOptions { ConnectionString = $"Data Source={server.DatabaseFile}" }));
        return await repository.ReadAfterAsync(0, CancellationToken.None).Select(e => e.Event.EventId).ToListAsync();
    }

    /// <summary>
    /// A force system's publisher: batches in order on one stream, each sent again (same ids)
    /// until acknowledged, reconnecting whenever the server goes away.
    /// </summary>
    private sealed class Publisher(ServerProcess server, IReadOnlyList<OperationalEvent> events)
    {
        private readonly SemaphoreSlim _acknowledgement = new(0);

        public List<string> Acknowledged { get; } = [];

        public int Duplicates { get; private set; }

        public int Reconnects { get; private set; }

        public List<string> Failures { get; } = [];

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            var ingest = new IngestService.IngestServiceClient(server.CreateChannel());
            var next = 0;
            while (next < events.Count)
            {
                try
                {
                    using var stream = ingest.Publish(cancellationToken: cancellationToken);
                    while (next < events.Count)
                    {
                        var batch = new PublishRequest();
                        batch.Events.Add(events.Skip(next).Take(BatchSize));
                        await stream.RequestStream.WriteAsync(batch, cancellationToken);
                        Assert.True(await stream.ResponseStream.MoveNext(cancellationToken), "the stream ended without an acknowledgement");
                        var acknowledgement = stream.ResponseStream.Current.Acknowledgement;
                        Assert.Empty(acknowledgement.Rejected);
                        Acknowledged.AddRange(batch.Events.Select(e => e.EventId));
                        Duplicates += acknowledgement.Duplicates;
                        next += batch.Events.Count;
                        _acknowledgement.Release();
                    }

                    await stream.RequestStream.CompleteAsync();
                }
                // The server gone: the call fails UNAVAILABLE, or a write to its stream does (the
                // transport's error, or "the call is complete" once gRPC has seen the failure). Any
                // other status (INTERNAL, a refusal) is the server failing, not going: the test fails.
                catch (Exception e) when (e is RpcException { StatusCode: StatusCode.Unavailable } or IOException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
                {
                    Reconnects++;
                    Failures.Add(e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : $"{e.GetType().Name}: {e.Message}");
                    await Task.Delay(50, cancellationToken);
                }
            }
        }

        public async Task WaitForAcknowledgementsAsync(int count, CancellationToken cancellationToken)
        {
            for (var i = 0; i < count; i++)
            {
                await _acknowledgement.WaitAsync(cancellationToken);
            }
        }
    }
}
