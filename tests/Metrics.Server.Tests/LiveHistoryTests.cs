using Google.Protobuf.WellKnownTypes;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>The live figures become history: hourly captures and the month's call handling, served by GetSeries.</summary>
public sealed class LiveHistoryTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2019, 5, 14, 9, 30, 0, TimeSpan.Zero);
    private static readonly MonthRange May2019 = new() { First = new YearMonth { Year = 2019, Month = 5 }, Last = new YearMonth { Year = 2019, Month = 5 } };
    private readonly MetricsServerFactory _server = new(Path.Combine(Path.GetTempPath(), $"metrics-live-history-{Guid.NewGuid():N}.db"), Start);

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task EveryHourTheUnresourcedAndOutstandingAreCapturedAndTheMonthRolledUp()
    {
        var ingest = new IngestService.IngestServiceClient(_server.CreateChannel());
        var ack = await ingest.PublishBatchAsync(new PublishBatchRequest
        {
            Events =
            {
                Event("h1", 0, e => e.IncidentOpened = new IncidentOpened { IncidentId = "i1", AreaCode = "shropshire", Grade = IncidentGrade.Priority }),
                Event("h2", 10, e => e.IncidentOpened = new IncidentOpened { IncidentId = "i2", AreaCode = "shropshire", Grade = IncidentGrade.Emergency }),
                Event("h3", 20, e => e.IncidentOpened = new IncidentOpened { IncidentId = "i3", AreaCode = "herefordshire", Grade = IncidentGrade.Emergency }),
                Event("h4", 30, e => e.IncidentAttended = new IncidentAttended { IncidentId = "i3" }),
                Event("h5", 40, e => e.IntelligenceSubmitted = new IntelligenceSubmitted { ReportId = "r1" }),
                Event("h6", 50, e => e.CallOffered = new CallOffered { CallId = "c1", Line = CallLine._999 }),
                Event("h7", 55, e => e.CallAnswered = new CallAnswered { CallId = "c1", Line = CallLine._999, Wait = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)) }),
            },
        });
        Assert.Equal(7, ack.Acknowledgement.Accepted);

        _server.Advance(TimeSpan.FromMinutes(31)); // past 10:00

        var measures = _server.Measures();
        var priority = await Eventually(() => Hourly(measures, "unresourced_incidents", "shropshire", "Priority"), s => s.Points.Count > 0);
        var point = Assert.Single(priority.Points);
        Assert.Equal(1, point.Value);
        Assert.Equal(Timestamp.FromDateTimeOffset(new DateTimeOffset(2019, 5, 14, 10, 0, 0, TimeSpan.Zero)), point.CapturedAt);
        Assert.Equal("2019-05-14 11:00", point.Label); // BST
        Assert.Equal(2, Assert.Single((await Hourly(measures, "unresourced_incidents", "west-mercia", "")).Points).Value);
        Assert.Equal(1, Assert.Single((await Hourly(measures, "outstanding_intelligence_reports", "west-mercia", "")).Points).Value);

        // The month is rolled up just after the hour's captures are stored.
        var calls = await Eventually(
            () => measures.GetSeriesAsync(new GetSeriesRequest { MeasureId = "calls_offered", AreaCode = "west-mercia", Breakdown = "999", Range = May2019 }).ResponseAsync,
            s => s.Points.Any(p => p.HasValue));
        var answeredInTime = await measures.GetSeriesAsync(new GetSeriesRequest { MeasureId = "calls_answered_within_threshold", AreaCode = "west-mercia", Breakdown = "999", Range = May2019 });
        var attended = await measures.GetSeriesAsync(new GetSeriesRequest { MeasureId = "emergency_attended_within_20_minutes", AreaCode = "herefordshire", Range = May2019 });
        var emergencies = await measures.GetSeriesAsync(new GetSeriesRequest { MeasureId = "emergency_incidents", AreaCode = "west-mercia", Range = May2019 });
        Assert.Equal(1, Assert.Single(calls.Points).Value);
        Assert.Equal(100, Assert.Single(answeredInTime.Points).Value);
        Assert.Equal(100, Assert.Single(attended.Points).Value);
        Assert.Equal(2, Assert.Single(emergencies.Points).Value);
    }

    private static async Task<GetSeriesResponse> Hourly(MeasuresService.MeasuresServiceClient measures, string measure, string area, string breakdown) =>
        await measures.GetSeriesAsync(new GetSeriesRequest { MeasureId = measure, AreaCode = area, Breakdown = breakdown, Granularity = Granularity.Hour, Range = May2019 });

    private static async Task<GetSeriesResponse> Eventually(Func<Task<GetSeriesResponse>> read, Func<GetSeriesResponse, bool> done)
    {
        // Polled, not spun: a busy loop would starve the capture it waits for on two cores.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var series = await read();
            if (done(series))
            {
                return series;
            }

            Assert.False(guard.IsCancellationRequested, $"the capture had not stored what was expected after 20 s: {series}");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private static OperationalEvent Event(string id, double seconds, Action<OperationalEvent> kind)
    {
        var e = new OperationalEvent { Source = "test-system", EventId = id, OccurredAt = Timestamp.FromDateTimeOffset(Start.AddSeconds(seconds)) };
        kind(e);
        return e;
    }
}
