using Metrics.Domain.Operations;
using Metrics.Live.Windows;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Server.Tests;

/// <summary>The demo publisher publishes through IngestService and the wall's figures move.</summary>
public sealed class DemoPublisherTests : IDisposable
{
    private readonly MetricsServerFactory _server = new() { Settings = { ["Demo:Enabled"] = "true", ["Demo:WarmHours"] = "6" } };

    public void Dispose() => _server.Dispose();

    [Fact]
    public void TheFeedFillsTheWallAndKeepsItMoving()
    {
        var pipeline = _server.Services.GetRequiredService<LivePipeline>();

        // The warm start: six hours of incidents, some still waiting for a unit. The feed
        // publishes once a second of the (virtual) clock, so the clock moves while we wait.
        var warm = false;
        for (var second = 0; second < 60 && !warm; second++)
        {
            warm = SpinWait.SpinUntil(() => pipeline.Snapshot().Unresourced.Any(u => u.AreaCode.Length == 0 && u.Count > 0), TimeSpan.FromSeconds(1));
            _server.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.True(warm, "the warm start reached the wall");
        var before = pipeline.Snapshot().CallsOn(CallLine.NonEmergency101).Window(WindowKind.Today).Counts.Offered;

        // Ten minutes in ten-second steps: the feed may lag the virtual clock by a few steps
        // under load and its events still arrive within the two minutes' lateness.
        for (var step = 0; step < 60; step++)
        {
            _server.Advance(TimeSpan.FromSeconds(10));
            Thread.Sleep(20);
        }

        Assert.True(
            SpinWait.SpinUntil(() => pipeline.Snapshot().CallsOn(CallLine.NonEmergency101).Window(WindowKind.Today).Counts.Offered > before, TimeSpan.FromSeconds(30)),
            $"101 calls offered today moved on from {before}");
    }
}
