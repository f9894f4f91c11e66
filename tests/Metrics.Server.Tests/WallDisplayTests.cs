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
            Source = "test-system",
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

    /// <summary>Every area of the seeded force by name, as its tiles show them (the force first).</summary>
    private static readonly string[] WestMerciaTiles = ["Force-wide", "Herefordshire", "North Worcestershire", "Shropshire", "South Worcestershire", "Telford & Wrekin"];

    [Fact]
    public async Task TheWallFitsEachScreenWithThreeAlertsAndNamesEveryArea()
    {
        await using var server = await ServerProcess.StartAsync(
            ("Alerts:OutstandingIntelligenceLimit", "3"),
            ("Alerts:UnresourcedTolerance:shropshire", "2"),
            ("Alerts:UnresourcedTolerance:telford-and-wrekin", "2"));
        await PublishABusyMoment(new IngestService.IngestServiceClient(server.CreateChannel()), DateTimeOffset.UtcNow.AddSeconds(-40));
        const string Ready = "document.querySelectorAll('#alerts [data-alert]').length === 3 && document.querySelectorAll('[data-area]').length === 6 && document.querySelector('[data-line=\"101\"]') !== null && document.querySelector('#intelligence article') !== null";

        foreach (var (width, height) in new[] { (1920, 1080), (1366, 768), (3840, 2160) })
        {
            var screenshot = Path.Combine(RepositoryFolders.Artifacts("wall"), $"wall-{width}x{height}-three-alerts.png");
            var shown = await HeadlessChromium.RenderOnScreenAsync(server.WallAddress("/wall/"), screenshot, width, height, Ready, TimeSpan.FromSeconds(60));
            var layout = shown.Layout;
            var at = $"at {width}×{height}";

            Assert.True(shown.Waited, $"{at}: alerts {string.Join(" | ", shown.Alerts)}; areas {string.Join(", ", layout.AreaNames)}");
            Assert.Empty(shown.Errors);
            Assert.False(layout.Scrolls, $"{at} the page is {layout.ScrollWidth}×{layout.ScrollHeight}");
            Assert.True(layout.Clipped.Count == 0, $"{at} not wholly visible: {string.Join(", ", layout.Clipped)}");
            Assert.False(layout.Dense, $"{at} every tile keeps its detail lines");
            Assert.Equal(9, layout.Tiles); // two call lines, six areas and the intelligence backlog
            Assert.Equal(WestMerciaTiles, layout.AreaNames);
            Assert.Equal(
                ["⚠ 4 intelligence reports outstanding, above the limit of 3", "⚠ Shropshire: 3 unresourced incidents, above the tolerance of 2", "⚠ Telford & Wrekin: 3 unresourced incidents, above the tolerance of 2"],
                shown.Alerts.Select(a => a[..a.IndexOf(" since ", StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
            Assert.Equal("Too few calls to judge (5 of 10 answered)", layout.Judged["999"]);
            Assert.Equal("No calls answered yet", layout.Judged["101"]);
            Assert.Equal("emergency: none attended yet today", shown.Figures["attendance/shropshire/today"]);
            Assert.DoesNotMatch(@"#\d", layout.Header); // no sequence number on the wall
            // Legible across a room: no text under 1/64 of the screen's height (17 px on 1080 lines).
            Assert.True(layout.SmallestTextPx >= height / 64.0, $"{at} the smallest text is {layout.SmallestTextPx} px (fitted at {layout.Fit})");
        }
    }

    [Fact]
    public async Task AWallOfChosenAreasNamesThemAndSaysTheCallsAreForceWide()
    {
        await using var server = await ServerProcess.StartAsync();
        await PublishABusyMoment(new IngestService.IngestServiceClient(server.CreateChannel()), DateTimeOffset.UtcNow.AddSeconds(-40));

        var shown = await HeadlessChromium.RenderOnScreenAsync(
            server.WallAddress("/wall/?areas=shropshire,telford-and-wrekin"),
            Path.Combine(RepositoryFolders.Artifacts("wall"), "wall-1920x1080-two-areas.png"),
            1920,
            1080,
            "document.querySelectorAll('[data-area]').length === 3 && document.querySelector('[data-line=\"101\"]') !== null && document.getElementById('scope').textContent.includes('&')",
            TimeSpan.FromSeconds(60));

        Assert.True(shown.Waited, $"scope '{shown.Layout.Scope}', areas {string.Join(", ", shown.Layout.AreaNames)}");
        Assert.Equal("Shropshire, Telford & Wrekin", shown.Layout.Scope);
        Assert.Equal(["Force-wide", "Shropshire", "Telford & Wrekin"], shown.Layout.AreaNames);
        Assert.Equal(["force-wide", "force-wide"], shown.Layout.CallScopes);
        Assert.False(shown.Layout.Scrolls);
    }

    [Fact]
    public async Task AWallOfEveryLondonBoroughShrinksToFitRatherThanScroll()
    {
        await using var server = await ServerProcess.StartAsync();
        var boroughs = File.ReadLines(Path.Combine(RepositoryFolders.Root, "src", "Metrics.Server", "Seed", "forces", "metropolitan-police", "areas.csv"))
            .Select(line => line.Split(','))
            .Where(fields => fields[2] == "local_policing_area")
            .Select(fields => (fields[0], IncidentGrade.Priority))
            .ToArray();
        await Publish(new IngestService.IngestServiceClient(server.CreateChannel()), DateTimeOffset.UtcNow.AddSeconds(-40), "b", boroughs);

        var shown = await HeadlessChromium.RenderOnScreenAsync(
            server.WallAddress("/wall/"),
            Path.Combine(RepositoryFolders.Artifacts("wall"), "wall-1920x1080-every-borough.png"),
            1920,
            1080,
            $"document.querySelectorAll('[data-area]').length === {boroughs.Length + 1}",
            TimeSpan.FromSeconds(60));

        Assert.True(shown.Waited, $"{shown.Layout.AreaNames.Count} area tiles");
        Assert.False(shown.Layout.Scrolls, $"the page is {shown.Layout.ScrollWidth}×{shown.Layout.ScrollHeight}");
        Assert.Empty(shown.Layout.Clipped);
        Assert.True(shown.Layout.Dense, "33 area tiles show their big figures only");
        Assert.InRange(shown.Layout.Fit, 0.6, 0.99); // and stepped down to fit
        Assert.Contains("Kensington and Chelsea", shown.Layout.AreaNames);
    }

    /// <summary>
    /// Three unresourced in Shropshire and in Telford &amp; Wrekin, one in each other area; four
    /// intelligence reports; five 999 calls answered (too few to judge) and one 101 call waiting.
    /// </summary>
    private static async Task PublishABusyMoment(IngestService.IngestServiceClient ingest, DateTimeOffset at)
    {
        (string Area, int Count)[] incidents = [("shropshire", 3), ("telford-and-wrekin", 3), ("herefordshire", 1), ("north-worcestershire", 1), ("south-worcestershire", 1)];
        await Publish(ingest, at, "i", [.. incidents.SelectMany(a => Enumerable.Repeat((a.Area, IncidentGrade.Priority), a.Count))]);
        var batch = new PublishBatchRequest();
        OperationalEvent At(int second, string id) => new() { Source = "test-system", EventId = id, OccurredAt = Timestamp.FromDateTimeOffset(at.AddSeconds(second)) };
        for (var i = 0; i < 4; i++)
        {
            var e = At(i, $"intel{i}");
            e.IntelligenceSubmitted = new IntelligenceSubmitted { ReportId = $"r{i}" };
            batch.Events.Add(e);
        }

        for (var i = 0; i < 5; i++)
        {
            var offered = At(i, $"offered{i}");
            offered.CallOffered = new CallOffered { CallId = $"c{i}", Line = CallLine._999 };
            var answered = At(i + 3, $"answered{i}");
            answered.CallAnswered = new CallAnswered { CallId = $"c{i}", Line = CallLine._999, Wait = Duration.FromTimeSpan(TimeSpan.FromSeconds(3)) };
            batch.Events.Add([offered, answered]);
        }

        var waiting = At(10, "offered-101");
        waiting.CallOffered = new CallOffered { CallId = "c101", Line = CallLine._101 };
        batch.Events.Add(waiting);
        Assert.Equal(batch.Events.Count, (await ingest.PublishBatchAsync(batch)).Acknowledgement.Accepted);
    }

    [Fact]
    public async Task AWallRenewsItsTokenAndStaysLiveAcrossEachTokensExpiry()
    {
        // Tokens of 12 s: the page renews at half-life, and each stream ends when the token that opened it expires.
        await using var server = await ServerProcess.StartAsync(("Security:TokenLifetime", "00:00:12"), ("Live:Heartbeat", "00:00:01"));
        var ingest = new IngestService.IngestServiceClient(server.CreateChannel());
        await Publish(ingest, DateTimeOffset.UtcNow.AddSeconds(-30), "a", ("shropshire", IncidentGrade.Priority));
        const string NeverDown = "(window.__statuses ??= new Set()).add(document.getElementById('status').textContent) && ![...window.__statuses].some(s => s.includes('NOT AUTHORISED') || s.includes('STALE'))";
        const string Renewed = "Number(document.body.dataset.tokenRenewals ?? 0) >= 3 && Number(document.body.dataset.streams ?? 0) >= 2";

        var page = HeadlessChromium.Open(
            server.WallAddress("/wall/?stale=4", TimeSpan.FromSeconds(12)),
            Path.Combine(RepositoryFolders.Artifacts("wall"), "wall-renewed.png"),
            $"{NeverDown} && {Renewed} && {Figure("unresourced/shropshire")} === '2'",
            TimeSpan.FromSeconds(90),
            $"{NeverDown} && {Renewed}");
        if (await Task.WhenAny(page.Signals[0], page.Result) == page.Signals[0])
        {
            // Renewed three times and reconnected past the first token's expiry: one more incident.
            await Publish(ingest, DateTimeOffset.UtcNow.AddSeconds(-5), "b", ("shropshire", IncidentGrade.Scheduled));
        }

        var shown = await page.Result;

        Assert.True(shown.Waited, $"status '{shown.Status}', stale '{shown.Stale}', page {string.Join(", ", shown.Dataset.Select(d => $"{d.Key}={d.Value}"))}, figures {string.Join(", ", shown.Figures.Select(f => $"{f.Key}={f.Value}"))}\n{server.Output}");
        Assert.Equal("● LIVE", shown.Status);
        Assert.Empty(shown.Errors);
        Assert.DoesNotContain("eyJ", server.Output, StringComparison.Ordinal); // no token in the server's log
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

    [Fact]
    public async Task AWallAskingForAnAreaThatDoesNotExistSaysSoAndStopsAsking()
    {
        // NOT_FOUND will not change by asking again: the wall says why instead of reconnecting for ever.
        await using var server = await ServerProcess.StartAsync();
        var screenshot = Path.Combine(RepositoryFolders.Artifacts("wall"), "wall-refused.png");

        var shown = await HeadlessChromium.RenderAsync(
            server.WallAddress("/wall/?areas=atlantis"),
            screenshot,
            "document.getElementById('status').textContent.includes('REFUSED')",
            TimeSpan.FromSeconds(30));

        Assert.True(shown.Waited, $"stale: '{shown.Stale}', status: '{shown.Status}'");
        Assert.Equal("○ REFUSED", shown.Status);
        Assert.Equal("⚠ REFUSED: area 'atlantis' does not exist. Check the page's address (?areas=…).", shown.Stale);
    }

    private static async Task Publish(IngestService.IngestServiceClient ingest, DateTimeOffset at, string prefix, params (string Area, IncidentGrade Grade)[] incidents)
    {
        var batch = new PublishBatchRequest();
        batch.Events.Add(incidents.Select((incident, i) => new OperationalEvent
        {
            Source = "test-system",
            EventId = $"{prefix}{i}",
            OccurredAt = Timestamp.FromDateTimeOffset(at.AddSeconds(i)),
            IncidentOpened = new IncidentOpened { IncidentId = $"{prefix}-incident-{i}", AreaCode = incident.Area, Grade = incident.Grade },
        }));
        var ack = await ingest.PublishBatchAsync(batch);
        Assert.Equal(incidents.Length, ack.Acknowledgement.Accepted);
    }
}
