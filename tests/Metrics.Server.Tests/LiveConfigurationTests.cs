using Metrics.Domain.Operations;
using Metrics.Live.Windows;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Server.Tests;

/// <summary>The thresholds, standards and windows are configuration.</summary>
public sealed class LiveConfigurationTests
{
    [Fact]
    public void StandardsThresholdsAndTheIntervalComeFromConfiguration()
    {
        using var server = new MetricsServerFactory
        {
            Settings =
            {
                ["Live:Standard999Percent"] = "95",
                ["Live:Answer101Within"] = "00:00:20",
                ["Live:Interval"] = "00:30:00",
                ["Live:AllowedLateness"] = "00:05:00",
                ["Alerts:OutstandingIntelligenceLimit"] = "250",
            },
        };

        var pipeline = server.Services.GetRequiredService<LivePipeline>();
        var snapshot = pipeline.Snapshot();

        Assert.Equal(95, snapshot.CallsOn(CallLine.Emergency999).Window(WindowKind.RollingHour).StandardPercent);
        Assert.Equal(TimeSpan.FromSeconds(20), pipeline.Options.StandardFor(CallLine.NonEmergency101).AnswerWithin);
        var interval = snapshot.CallsOn(CallLine.Emergency999).Window(WindowKind.CurrentInterval);
        Assert.Equal(TimeSpan.FromMinutes(30), interval.End - interval.Start);
        Assert.Equal(snapshot.AsOf - TimeSpan.FromMinutes(5), snapshot.Watermark);
        Assert.Equal(250, snapshot.Intelligence.Limit);
    }

    [Fact]
    public void AStallTimeoutOfZeroStopsTheServerStartingAndSaysWhichSetting()
    {
        using var server = new MetricsServerFactory { Settings = { ["Live:StallTimeout"] = "00:00:00" } };

        var error = Assert.ThrowsAny<Exception>(() => server.Services);

        Assert.Contains("Live:PublishEvery, Live:Heartbeat and Live:StallTimeout must be longer than zero", error.ToString(), StringComparison.Ordinal);
    }
}
