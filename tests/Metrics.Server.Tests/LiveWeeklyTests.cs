using Google.Protobuf.WellKnownTypes;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>The weekly figure the report gives ("W/E 03/03/2019") comes from the capture at the week's end.</summary>
public sealed class LiveWeeklyTests : IDisposable
{
    private static readonly DateTimeOffset SundayNight = new(2019, 3, 3, 23, 30, 0, TimeSpan.Zero);
    private readonly MetricsServerFactory _server = new(Path.Combine(Path.GetTempPath(), $"metrics-live-weekly-{Guid.NewGuid():N}.db"), SundayNight);

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task OutstandingIntelligenceIsGivenForTheWeekEnding()
    {
        var batch = new PublishBatchRequest();
        batch.Events.Add(Enumerable.Range(0, 3).Select(i => new OperationalEvent
        {
            Source = "test-system",
            EventId = $"w{i}",
            OccurredAt = Timestamp.FromDateTimeOffset(SundayNight.AddMinutes(i)),
            IntelligenceSubmitted = new IntelligenceSubmitted { ReportId = $"r{i}" },
        }));
        batch.Events.Add(new OperationalEvent
        {
            Source = "test-system",
            EventId = "w-incident",
            OccurredAt = Timestamp.FromDateTimeOffset(SundayNight),
            IncidentOpened = new IncidentOpened { IncidentId = "i1", AreaCode = "shropshire", Grade = IncidentGrade.Priority },
        });
        await new IngestService.IngestServiceClient(_server.CreateChannel()).PublishBatchAsync(batch);

        _server.Advance(TimeSpan.FromMinutes(31));

        var request = new GetSeriesRequest
        {
            MeasureId = "outstanding_intelligence_reports",
            AreaCode = "west-mercia",
            Granularity = Granularity.Week,
            Range = new MonthRange { First = new YearMonth { Year = 2019, Month = 3 }, Last = new YearMonth { Year = 2019, Month = 3 } },
        };
        var measures = _server.Measures();
        var weekly = await measures.GetSeriesAsync(request);
        // Polled, not spun: a busy loop would starve the capture it waits for on two cores.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (weekly.Points.Count == 0)
        {
            Assert.False(guard.IsCancellationRequested, "no weekly figure was captured within 20 s");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
            weekly = await measures.GetSeriesAsync(request);
        }

        var week = Assert.Single(weekly.Points);
        Assert.Equal("W/E 03/03/2019", week.Label);
        Assert.Equal(3, week.Value);
    }
}
