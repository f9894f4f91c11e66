using Google.Protobuf.WellKnownTypes;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// The weekly figure the report gives ("W/E 03/03/2019") comes from the capture at the week's
/// end: the midnight that ends Sunday in UK time, which on the last Sunday of March is 23:00 UTC.
/// </summary>
public sealed class LiveWeeklyTests
{
    [Theory]
    [InlineData("2019-03-03T23:30:00Z", "W/E 03/03/2019", "2019-03-04T00:00:00Z")]
    [InlineData("2019-03-31T22:30:00Z", "W/E 31/03/2019", "2019-03-31T23:00:00Z")]
    public async Task OutstandingIntelligenceIsGivenForTheWeekEndingAtTheMidnightThatEndsSunday(string sundayNightText, string label, string weekEndedText)
    {
        var sundayNight = DateTimeOffset.Parse(sundayNightText, System.Globalization.CultureInfo.InvariantCulture);
        using var server = new MetricsServerFactory(Path.Combine(Path.GetTempPath(), $"metrics-live-weekly-{Guid.NewGuid():N}.db"), sundayNight);
        var batch = new PublishBatchRequest();
        batch.Events.Add(Enumerable.Range(0, 3).Select(i => new OperationalEvent
        {
            Source = "test-system",
            EventId = $"w{i}",
            OccurredAt = Timestamp.FromDateTimeOffset(sundayNight.AddMinutes(i)),
            IntelligenceSubmitted = new IntelligenceSubmitted { ReportId = $"r{i}" },
        }));
        batch.Events.Add(new OperationalEvent
        {
            Source = "test-system",
            EventId = "w-incident",
            OccurredAt = Timestamp.FromDateTimeOffset(sundayNight),
            IncidentOpened = new IncidentOpened { IncidentId = "i1", AreaCode = "shropshire", Grade = IncidentGrade.Priority },
        });
        await new IngestService.IngestServiceClient(server.CreateChannel()).PublishBatchAsync(batch);

        server.Advance(TimeSpan.FromMinutes(31));

        var request = new GetSeriesRequest
        {
            MeasureId = "outstanding_intelligence_reports",
            AreaCode = "west-mercia",
            Granularity = Granularity.Week,
            Range = new MonthRange { First = new YearMonth { Year = 2019, Month = 3 }, Last = new YearMonth { Year = 2019, Month = 3 } },
        };
        var measures = server.Measures();
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
        Assert.Equal(label, week.Label);
        Assert.Equal(3, week.Value);
        Assert.Equal(DateTimeOffset.Parse(weekEndedText, System.Globalization.CultureInfo.InvariantCulture), week.CapturedAt.ToDateTimeOffset());
        Assert.Equal((2019, 3), (week.FirstMonth.Year, week.FirstMonth.Month));

        // Without a range: every week end; the hours of the last 31 days.
        request.Range = null;
        var everyWeek = await measures.GetSeriesAsync(request);
        request.Granularity = Granularity.Hour;
        var recentHours = await measures.GetSeriesAsync(request);
        Assert.Equal([label], everyWeek.Points.Select(p => p.Label));
        Assert.Contains(recentHours.Points, p => p.CapturedAt.ToDateTimeOffset() == week.CapturedAt.ToDateTimeOffset() && p.Value == 3);
    }
}
