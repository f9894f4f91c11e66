using Google.Protobuf.WellKnownTypes;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>The browser wall display in headless Chromium against the real server.</summary>
public sealed class WallDisplayTests
{
    /// <summary>The wall says it is live.</summary>
    internal const string Live = "document.getElementById('status')?.textContent === '● LIVE'";

    private static string Figure(string key) => $"document.querySelector('[data-figure=\"{key}\"]')?.textContent";

    [Fact]
    public async Task TheWallShowsTheFiguresTheServerComputedAsEventsArrive()
    {
        await using var server = await ServerProcess.StartAsync();
        var ingest = new IngestService.IngestServiceClient(server.CreateChannel());
        var now = DateTimeOffset.UtcNow.AddSeconds(-30);
        await Publish(ingest, now, "a", ("shropshire", IncidentGrade.Priority), ("shropshire", IncidentGrade.Emergency), ("herefordshire", IncidentGrade.Priority));

        // The page must show 2 for Shropshire, then 3 once the next incident arrives while it is open.
        var until = $"(window.__seen ??= new Set()).add({Figure("unresourced/shropshire")}) && window.__seen.has('2') && window.__seen.has('3')";
        var screenshot = Path.Combine(RepositoryFolders.Artifacts("wall"), "wall-live.png");
        var page = HeadlessChromium.Open(server.WallAddress("/wall/?areas=shropshire,herefordshire&stale=20"), screenshot, until, TimeSpan.FromSeconds(60), $"{Figure("unresourced/shropshire")} === '2'");
        await page.Signals[0]; // the page has shown its first snapshot: only then the next incident
        await Publish(ingest, now.AddSeconds(20), "b", ("shropshire", IncidentGrade.Scheduled));
        var shown = await page.Result;

        var snapshot = await new LiveService.LiveServiceClient(server.CreateChannel()).GetSnapshotAsync(new GetSnapshotRequest { AreaCodes = { "shropshire" } });
        var computed = snapshot.Figures.Where(f => f.Key.StartsWith("unresourced/shropshire/", StringComparison.Ordinal)).Sum(f => f.Unresourced.Count);
        Assert.True(shown.Waited, $"the wall showed {string.Join(", ", shown.Figures.Select(f => $"{f.Key}={f.Value}"))}");
        Assert.Empty(shown.Errors);
        Assert.Empty(shown.ExternalRequests);
        Assert.Equal(computed.ToString(System.Globalization.CultureInfo.InvariantCulture), shown.Figures["unresourced/shropshire"]);
        Assert.Equal("1", shown.Figures["unresourced/herefordshire"]);
        Assert.Equal("✓ OK", shown.Rags["shropshire"]);
        Assert.Equal("● LIVE", shown.Status);
        Assert.Equal("", shown.Stale);
        Assert.True(File.Exists(screenshot));
    }

    [Fact]
    public async Task ARaisedAlertIsShownOnTheWallInTheServersWords()
    {
        await using var server = await ServerProcess.StartAsync(("Alerts:OutstandingIntelligenceLimit", "3"));
        var batch = new PublishBatchRequest();
        batch.Events.Add(Enumerable.Range(0, 4).Select(i => new OperationalEvent
        {
            EventId = $"intel{i}",
            OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(-10 + i)),
            IntelligenceSubmitted = new IntelligenceSubmitted { ReportId = $"r{i}" },
        }));
        Assert.Equal(4, (await new IngestService.IngestServiceClient(server.CreateChannel()).PublishBatchAsync(batch)).Acknowledgement.Accepted);

        var screenshot = Path.Combine(RepositoryFolders.Artifacts("wall"), "wall-alert.png");
        var shown = await HeadlessChromium.RenderAsync(
            server.WallAddress("/wall/"),
            screenshot,
            "[...document.querySelectorAll('#alerts [data-alert]')].some(a => a.textContent.includes('⚠ 4 intelligence reports outstanding, above the limit of 3'))",
            TimeSpan.FromSeconds(60));

        Assert.True(shown.Waited, $"status: '{shown.Status}', figures: {string.Join(", ", shown.Figures.Select(f => $"{f.Key}={f.Value}"))}");
        Assert.Empty(shown.Errors);
    }

    [Fact]
    public async Task WhenTheServerStopsTheWallSaysItIsStale()
    {
        await using var server = await ServerProcess.StartAsync(("Live:Heartbeat", "00:00:01"));
        var screenshot = Path.Combine(RepositoryFolders.Artifacts("wall"), "wall-stale.png");
        var page = HeadlessChromium.Open(
            server.WallAddress("/wall/?stale=3"),
            screenshot,
            "document.getElementById('stale') && !document.getElementById('stale').hidden && document.getElementById('stale').textContent.includes('STALE: no data since')",
            TimeSpan.FromSeconds(60),
            Live);

        await page.Signals[0]; // the page has shown it is live
        server.Kill();
        var shown = await page.Result;

        Assert.True(shown.Waited, $"stale: '{shown.Stale}', status: '{shown.Status}'");
        Assert.StartsWith("⚠ STALE: no data since", shown.Stale, StringComparison.Ordinal);
        Assert.NotEqual("● LIVE", shown.Status);
    }

    [Fact]
    public async Task WithoutATokenTheWallSaysItIsNotAuthorised()
    {
        await using var server = await ServerProcess.StartAsync();
        var screenshot = Path.Combine(RepositoryFolders.Artifacts("wall"), "wall-not-authorised.png");

        var shown = await HeadlessChromium.RenderAsync(
            new Uri(server.WebAddress, "/wall/").AbsoluteUri,
            screenshot,
            "document.getElementById('status').textContent.includes('NOT AUTHORISED')",
            TimeSpan.FromSeconds(30));

        Assert.True(shown.Waited, $"stale: '{shown.Stale}', status: '{shown.Status}'");
        Assert.Equal("○ NOT AUTHORISED", shown.Status);
        Assert.StartsWith("⚠ NOT AUTHORISED: a bearer token is required", shown.Stale, StringComparison.Ordinal);
    }

    private static async Task Publish(IngestService.IngestServiceClient ingest, DateTimeOffset at, string prefix, params (string Area, IncidentGrade Grade)[] incidents)
    {
        var batch = new PublishBatchRequest();
        batch.Events.Add(incidents.Select((incident, i) => new OperationalEvent
        {
            EventId = $"{prefix}{i}",
            OccurredAt = Timestamp.FromDateTimeOffset(at.AddSeconds(i)),
            IncidentOpened = new IncidentOpened { IncidentId = $"{prefix}-incident-{i}", AreaCode = incident.Area, Grade = incident.Grade },
        }));
        var ack = await ingest.PublishBatchAsync(batch);
        Assert.Equal(incidents.Length, ack.Acknowledgement.Accepted);
    }
}
