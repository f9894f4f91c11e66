using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>The console watch and the wall display come back on their own when the server restarts.</summary>
[Collection(nameof(ConsoleCommands))]
public sealed class ReconnectTests
{
    [Fact]
    public async Task WatchReconnectsWhenTheServerRestarts()
    {
        await using var server = await ServerProcess.StartAsync();
        Func<string, GrpcChannel> network = address => GrpcChannel.ForAddress(address);
        await Publish(server, "before", "shropshire");

        // Follow until a snapshot from the restarted server shows the incident published after the restart.
        var output = new SynchronizedStringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var watching = CliRunner.RunAsync(network, output, stop.Token, "watch", "--json", "--feeds", "incidents", "--areas", "herefordshire", "--server", server.GrpcAddress.ToString(), "--token", server.Token([Security.ForceRoles.Viewer], TimeSpan.FromMinutes(10)));
        await server.WaitForLiveSubscribersAsync(1, TimeSpan.FromSeconds(40));

        // Subscribed is not yet printed: wait for the watch to show its first snapshot.
        var before = 0;
        while (!stop.IsCancellationRequested && (before = Snapshots(output.ToString()).Count) == 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        await server.RestartAsync();
        await Publish(server, "after", "herefordshire");
        while (!stop.IsCancellationRequested && !Shows(output.ToString(), "unresourced/herefordshire/priority", 1))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        await stop.CancelAsync();
        var (_, printed, error) = await watching;

        Assert.True(Shows(printed, "unresourced/herefordshire/priority", 1), $"the watch showed the incident published after the restart. {error}");
        Assert.Equal(1, before);
        Assert.True(Snapshots(printed).Count >= 2, "it subscribed again after the restart");
    }

    private static List<JsonElement> Snapshots(string output) =>
        [.. Messages(output).Where(m => m.TryGetProperty("snapshot", out _))];

    private static IEnumerable<JsonElement> Messages(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{') && l.TrimEnd().EndsWith('}')).Select(l => JsonDocument.Parse(l).RootElement);

    private static bool Shows(string output, string key, int count) =>
        Messages(output)
            .SelectMany(m => (m.TryGetProperty("snapshot", out var body) || m.TryGetProperty("update", out body)) && body.TryGetProperty("figures", out var figures)
                ? figures.EnumerateArray()
                : Enumerable.Empty<JsonElement>())
            .Any(f => f.GetProperty("key").GetString() == key && f.GetProperty("unresourced").GetProperty("count").GetInt32() == count);

    /// <summary>Read by the test while the command writes to it.</summary>
    private sealed class SynchronizedStringWriter : StringWriter
    {
        private readonly Lock _gate = new();

        public override void WriteLine(string? value)
        {
            lock (_gate)
            {
                base.WriteLine(value);
            }
        }

        public override string ToString()
        {
            lock (_gate)
            {
                return base.ToString();
            }
        }
    }

    [Fact]
    public async Task TheWallReconnectsWhenTheServerRestarts()
    {
        await using var server = await ServerProcess.StartAsync(("Live:Heartbeat", "00:00:01"));
        await Publish(server, "before", "shropshire");
        var screenshot = Path.Combine(RepositoryFolders.Artifacts("wall"), "wall-reconnected.png");
        var until = "(window.__wasStale ||= !document.getElementById('stale').hidden && document.getElementById('stale').textContent.includes('STALE')) "
            + "&& document.querySelector('[data-figure=\"unresourced/herefordshire\"]')?.textContent === '1' && document.getElementById('status').textContent === '● LIVE'";
        var stale = "!document.getElementById('stale').hidden && document.getElementById('stale').textContent.includes('STALE')";
        var page = HeadlessChromium.Open(server.WallAddress("/wall/?stale=2"), screenshot, until, TimeSpan.FromSeconds(90), WallDisplayTests.Live, stale);

        await page.Signals[0]; // the page has shown its first snapshot
        server.Kill();
        await page.Signals[1]; // and then that it is stale
        await server.RestartAsync();
        await Publish(server, "after", "herefordshire");
        var shown = await page.Result;

        Assert.True(shown.Waited, $"status '{shown.Status}', stale '{shown.Stale}', figures {string.Join(", ", shown.Figures.Select(f => $"{f.Key}={f.Value}"))}");
        Assert.Equal("1", shown.Figures["unresourced/shropshire"]);
    }

    private static async Task Publish(ServerProcess server, string id, string area)
    {
        var ack = await new IngestService.IngestServiceClient(server.CreateChannel()).PublishBatchAsync(new PublishBatchRequest
        {
            Events =
            {
                new OperationalEvent
                {
                    Source = "test-system",
                    EventId = id,
                    OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(-5)),
                    IncidentOpened = new IncidentOpened { IncidentId = $"{id}-incident", AreaCode = area, Grade = IncidentGrade.Priority },
                },
            },
        });
        Assert.Equal(1, ack.Acknowledgement.Accepted);
    }
}
