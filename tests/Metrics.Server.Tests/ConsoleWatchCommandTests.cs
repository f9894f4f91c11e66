using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Metrics.Console;
using Metrics.Console.Commands;
using Metrics.Contracts.V1;
using Metrics.Live.Subscriptions;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Server.Tests;

/// <summary>metrics watch follows the live feed: a published event appears in what it prints.</summary>
[Collection(nameof(ConsoleCommands))]
public sealed class ConsoleWatchCommandTests : IDisposable
{
    private readonly MetricsServerFactory _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task APublishedIncidentAppearsInTheWatch()
    {
        ServerSettings.ChannelFactory = _ => _server.CreateChannel();
        var output = new StringWriter();
        var original = System.Console.Out;
        System.Console.SetOut(output);
        try
        {
            var watching = MetricsCli.RunAsync(["watch", "--json", "--messages", "2", "--feeds", "incidents", "--areas", "shropshire"]);
            var broadcast = _server.Services.GetRequiredService<LiveBroadcast>();
            Assert.True(SpinWait.SpinUntil(() => broadcast.ActiveSubscriptions == 1, TimeSpan.FromSeconds(20)), "watch subscribed");

            await new IngestService.IngestServiceClient(_server.CreateChannel()).PublishBatchAsync(new PublishBatchRequest
            {
                Events =
                {
                    new OperationalEvent
                    {
                        Source = "test-system",
                        EventId = "watch-1",
                        OccurredAt = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start),
                        IncidentOpened = new IncidentOpened { IncidentId = "i1", AreaCode = "shropshire", Grade = IncidentGrade.Priority },
                    },
                },
            });
            _server.Advance(TimeSpan.FromSeconds(1));

            Assert.Equal(0, await watching.WaitAsync(TimeSpan.FromSeconds(20)));
        }
        finally
        {
            System.Console.SetOut(original);
        }

        // Keep the command's JSON lines (anything else on the console is not the command's).
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).ToList();
        Assert.Equal(2, lines.Count);
        using var snapshot = JsonDocument.Parse(lines[0]);
        using var update = JsonDocument.Parse(lines[1]);
        Assert.True(snapshot.RootElement.TryGetProperty("snapshot", out _));
        var figure = update.RootElement.GetProperty("update").GetProperty("figures").EnumerateArray()
            .Single(f => f.GetProperty("key").GetString() == "unresourced/shropshire/priority");
        Assert.Equal(1, figure.GetProperty("unresourced").GetProperty("count").GetInt32());
    }
}
