using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Live.Windows;
using Microsoft.Extensions.DependencyInjection;
using DomainLine = Metrics.Domain.Operations.CallLine;
using LiveSnapshot = Metrics.Live.Windows.LiveSnapshot;

namespace Metrics.Server.Tests;

/// <summary>Events in through IngestService: stored before they are acknowledged, once each, bad ones rejected with the reason.</summary>
public sealed class LiveIngestTests : IDisposable
{
    private readonly MetricsServerFactory _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task ABatchIsAcknowledgedWithWhatWasStoredAndRepeatsAreNotCountedTwice()
    {
        var ingest = Client();
        var batch = new PublishBatchRequest
        {
            Events =
            {
                Offered("e1", 0, "c1"),
                Answered("e2", 6, "c1", waitSeconds: 6),
                Offered("e3", 8, "c2"),
                Offered("e3", 8, "c2"), // repeated within the batch
            },
        };

        var first = await ingest.PublishBatchAsync(batch);
        var again = await ingest.PublishBatchAsync(batch);
        _server.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal((3, 1, 0), (first.Acknowledgement.Accepted, first.Acknowledgement.Duplicates, first.Acknowledgement.Rejected.Count));
        Assert.Equal((0, 4), (again.Acknowledgement.Accepted, again.Acknowledgement.Duplicates));
        var calls = Feed().Snapshot().CallsOn(DomainLine.Emergency999);
        Assert.Equal(1, calls.WaitingNow);
        Assert.Equal((2, 1), (calls.Window(WindowKind.CurrentInterval).Counts.Offered, calls.Window(WindowKind.CurrentInterval).Counts.Answered));
    }

    [Fact]
    public async Task TwoSystemsMayUseTheSameIdsAndAnIdReusedForOtherContentIsRejectedKeepingTheFirst()
    {
        // Call handling and command and control both number from 12345: both events are stored.
        // The same source and id again with another area is refused, saying so, and changes nothing.
        var ingest = Client();
        var first = (await ingest.PublishBatchAsync(new PublishBatchRequest
        {
            Events = { Opened("12345", 0, "i1", "shropshire"), FromSource("command-and-control", Opened("12345", 0, "i1", "herefordshire")) },
        })).Acknowledgement;
        var again = (await ingest.PublishBatchAsync(new PublishBatchRequest
        {
            Events = { Opened("12345", 0, "i1", "shropshire"), FromSource("command-and-control", Opened("12345", 0, "i1", "telford-and-wrekin")) },
        })).Acknowledgement;
        _server.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal((2, 0, 0), (first.Accepted, first.Duplicates, first.Rejected.Count));
        Assert.Equal((0, 1), (again.Accepted, again.Duplicates));
        var reused = Assert.Single(again.Rejected);
        Assert.Equal((1, "command-and-control", "12345", EventRejection.IdReused, "event_id"), (reused.Index, reused.Source, reused.EventId, reused.Rejection, reused.Field));
        Assert.Equal(
            "event_id: '12345' from 'command-and-control' is stored already for an event that says something else; the stored event is kept: give this one its own id",
            reused.Reason);
        var unresourced = Feed().Snapshot().Unresourced.Where(u => u.Count > 0).Select(u => u.AreaCode).Order(StringComparer.Ordinal);
        Assert.Equal(["", "herefordshire", "shropshire"], unresourced);
    }

    [Fact]
    public async Task InvalidEventsAreRejectedWithTheReasonAndTheRestAreStored()
    {
        var batch = new PublishBatchRequest
        {
            Events =
            {
                Offered("ok", 0, "c1"),
                new OperationalEvent { Source = "test-system", EventId = "no-kind", OccurredAt = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start) },
                Answered("negative", 1, "c1", waitSeconds: -3),
                Offered("", 1, "c2"),
                Offered("future", 3600, "c3"),
                new OperationalEvent
                {
                    Source = "test-system",
                    EventId = "nowhere",
                    OccurredAt = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start),
                    IncidentOpened = new IncidentOpened { IncidentId = "i1", AreaCode = "atlantis", Grade = IncidentGrade.Emergency },
                },
                new OperationalEvent
                {
                    Source = "test-system",
                    EventId = "no-line",
                    OccurredAt = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start),
                    CallOffered = new CallOffered { CallId = "c4" },
                },
                Offered("padded ", 1, "c5"),
                Offered("padded-call", 1, " c6"),
                new OperationalEvent
                {
                    Source = "test-system",
                    EventId = "endless-wait", // issue 16: a Duration out of range answered UNKNOWN and stored nothing of the batch
                    OccurredAt = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start),
                    CallAnswered = new CallAnswered { CallId = "c7", Line = CallLine._999, Wait = new Duration { Seconds = long.MaxValue } },
                },
                new OperationalEvent
                {
                    Source = "test-system",
                    EventId = "no-time",
                    OccurredAt = new Timestamp { Seconds = long.MaxValue },
                    CallOffered = new CallOffered { CallId = "c8", Line = CallLine._999 },
                },
                FromSource("", Offered("no-source", 1, "c9")),
            },
        };

        var ack = (await Client().PublishBatchAsync(batch)).Acknowledgement;

        Assert.Equal(1, ack.Accepted);
        Assert.Equal(
            [
                "1 no-kind: kind: is required: one of call_offered, call_answered, call_abandoned, incident_opened, incident_resourced, incident_attended, incident_closed, intelligence_submitted, intelligence_processed",
                "2 negative: call_answered.wait: -3 s is negative",
                "3 : event_id: is required",
                "4 future: occurred_at: 2019-03-12T11:00:00.0000000+00:00 is more than 5 minutes ahead of the server's clock (2019-03-12T10:00:00.0000000+00:00)",
                "5 nowhere: incident_opened.area_code: area 'atlantis' does not exist",
                "6 no-line: call_offered.line: is required: 999 or 101",
                "7 padded : event_id: 'padded ' begins or ends with white space; ids are compared exactly",
                "8 padded-call: call_offered.call_id: ' c6' begins or ends with white space; ids are compared exactly",
                "9 endless-wait: call_answered.wait: seconds 9223372036854775807 and nanos 0 are not a duration (seconds within ±922,337,203,685; nanos of the same sign, below 1,000,000,000)",
                "10 no-time: occurred_at: seconds 9223372036854775807 and nanos 0 are not a time (nanos 0 to 999,999,999; years 1 to 9999)",
                "11 no-source: source: is required",
            ],
            ack.Rejected.Select(r => $"{r.Index} {r.EventId}: {r.Reason}"));
        Assert.Equal(
            [
                "1 Malformed kind", "2 Malformed call_answered.wait", "3 Malformed event_id", "4 AheadOfServerClock occurred_at", "5 UnknownArea incident_opened.area_code",
                "6 Malformed call_offered.line", "7 Malformed event_id", "8 Malformed call_offered.call_id", "9 Malformed call_answered.wait", "10 Malformed occurred_at", "11 Malformed source",
            ],
            ack.Rejected.Select(r => $"{r.Index} {r.Rejection} {r.Field}"));
    }

    [Fact]
    public async Task AnEventBehindTheWatermarkIsStoredAndReportedLate()
    {
        // The watermark is the server's clock (10:00) less 2 minutes, whatever the events say:
        // one stamped 4 minutes ahead (a fast clock elsewhere) makes no other late (issue 16).
        var ack = (await Client().PublishBatchAsync(new PublishBatchRequest
        {
            Events = { Offered("ahead", 240, "c1"), Offered("now", 0, "c0"), Offered("old", -121, "c2") },
        })).Acknowledgement;

        Assert.Equal(3, ack.Accepted);
        Assert.Equal([("test-system", "old")], ack.LateEvents.Select(e => (e.Source, e.EventId)));
        Assert.Equal(1, ack.Late);
    }

    [Fact]
    public async Task AStreamGoesOnAfterABatchWithAValueThatCannotBeConverted()
    {
        using var call = Client().Publish();
        var endless = new OperationalEvent
        {
            Source = "test-system",
            EventId = "t-endless",
            OccurredAt = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start),
            CallAbandoned = new CallAbandoned { CallId = "t1", Line = CallLine._101, Wait = new Duration { Seconds = -long.MaxValue } },
        };
        await call.RequestStream.WriteAsync(new PublishRequest { Events = { Offered("t-ok", 0, "t0"), endless } });
        await call.RequestStream.WriteAsync(new PublishRequest { Events = { Offered("t-next", 1, "t2") } });
        await call.RequestStream.CompleteAsync();
        var acks = new List<BatchAcknowledgement>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            acks.Add(response.Acknowledgement);
        }

        Assert.Equal([1, 1], acks.Select(a => a.Accepted));
        Assert.Equal(("t-endless", 1), (acks[0].Rejected.Single().EventId, acks[0].Rejected.Single().Index));
    }

    [Fact]
    public async Task TheStreamAcknowledgesEachBatchInOrder()
    {
        using var call = Client().Publish();
        for (var i = 0; i < 3; i++)
        {
            await call.RequestStream.WriteAsync(new PublishRequest { Events = { Offered($"s{i}a", i, $"c{i}"), Offered($"s{i}b", i, $"d{i}") } });
        }

        await call.RequestStream.CompleteAsync();
        var acks = new List<BatchAcknowledgement>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            acks.Add(response.Acknowledgement);
        }

        Assert.Equal([2, 2, 2], acks.Select(a => a.Accepted));
    }

    [Fact]
    public async Task ARestartRebuildsTheSameLiveFigures()
    {
        var ingest = Client();
        await ingest.PublishBatchAsync(new PublishBatchRequest
        {
            Events =
            {
                Offered("r1", 0, "c1"),
                Answered("r2", 4, "c1", waitSeconds: 4),
                Offered("r3", 5, "c2"),
                Opened("r4", 10, "i1", "shropshire"),
                Opened("r5", 20, "i2", "telford-and-wrekin"),
                Resourced("r6", 30, "i2"),
            },
        });
        _server.Advance(TimeSpan.FromMinutes(1));
        var before = Describe(Feed().Snapshot());

        using var restarted = new MetricsServerFactory(_server.DatabaseFile, MetricsServerFactory.Start + TimeSpan.FromMinutes(1));
        var after = Describe(restarted.Services.GetRequiredService<LivePipeline>().Snapshot());

        Assert.Equal(before, after);
        Assert.Contains("unresourced shropshire Emergency 1", before, StringComparison.Ordinal);
    }

    private static string Describe(LiveSnapshot snapshot) => string.Join(
        "\n",
        snapshot.Calls.SelectMany(c => c.Windows.Select(w => $"{c.Line} waiting {c.WaitingNow} {w.Kind} {w.Start:O} {w.Counts} final {w.Final}"))
            .Concat(snapshot.Unresourced.Select(u => $"unresourced {u.AreaCode} {u.Grade} {u.Count} {u.OldestAge}"))
            .Append($"as of {snapshot.AsOf:O} watermark {snapshot.Watermark:O} intelligence {snapshot.Intelligence}"));

    private IngestService.IngestServiceClient Client() => new(_server.CreateChannel());

    private LivePipeline Feed() => _server.Services.GetRequiredService<LivePipeline>();

    private static Timestamp At(double seconds) => Timestamp.FromDateTimeOffset(MetricsServerFactory.Start.AddSeconds(seconds));

    private static OperationalEvent FromSource(string source, OperationalEvent e)
    {
        e.Source = source;
        return e;
    }

    private static OperationalEvent Offered(string id, double seconds, string call) =>
        new() { Source = "test-system", EventId = id, OccurredAt = At(seconds), CallOffered = new CallOffered { CallId = call, Line = CallLine._999 } };

    private static OperationalEvent Answered(string id, double seconds, string call, double waitSeconds) =>
        new() { Source = "test-system", EventId = id, OccurredAt = At(seconds), CallAnswered = new CallAnswered { CallId = call, Line = CallLine._999, Wait = Duration.FromTimeSpan(TimeSpan.FromSeconds(waitSeconds)) } };

    private static OperationalEvent Opened(string id, double seconds, string incident, string area) =>
        new() { Source = "test-system", EventId = id, OccurredAt = At(seconds), IncidentOpened = new IncidentOpened { IncidentId = incident, AreaCode = area, Grade = IncidentGrade.Emergency } };

    private static OperationalEvent Resourced(string id, double seconds, string incident) =>
        new() { Source = "test-system", EventId = id, OccurredAt = At(seconds), IncidentResourced = new IncidentResourced { IncidentId = incident } };
}
