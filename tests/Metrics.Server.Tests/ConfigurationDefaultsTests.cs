using Metrics.Domain.Operations;
using Metrics.Live.Alerts;
using Metrics.Live.Windows;
using Metrics.Server.Grpc.Ingest;
using Metrics.Server.Live;
using Metrics.Server.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Tests;

/// <summary>Each default is stated once, and the settings that follow another follow it.</summary>
public sealed class ConfigurationDefaultsTests
{
    [Fact]
    public void TheLiveSettingsDefaultToThePipelinesOwnDefaults()
    {
        var windows = new LiveServiceOptions().ToLiveOptions();
        var rules = new AlertOptions().ToRules();
        var pipeline = new LiveOptions();
        var pipelineRules = new AlertRules();

        Assert.Equal(
            (pipeline.AllowedLateness, pipeline.ShortAbandon, pipeline.Interval, pipeline.EmergencyAttendance, pipeline.MinimumAnsweredToJudge),
            (windows.AllowedLateness, windows.ShortAbandon, windows.Interval, windows.EmergencyAttendance, windows.MinimumAnsweredToJudge));
        Assert.Equal(pipeline.StandardFor(CallLine.Emergency999), windows.StandardFor(CallLine.Emergency999));
        Assert.Equal(pipeline.StandardFor(CallLine.NonEmergency101), windows.StandardFor(CallLine.NonEmergency101));
        Assert.Equal(pipelineRules.AbandonRateLimit.OrderBy(p => p.Key), rules.AbandonRateLimit.OrderBy(p => p.Key));
        Assert.Equal(
            (pipelineRules.DefaultUnresourcedTolerance, pipelineRules.OutstandingIntelligenceLimit, pipelineRules.ClearAfter),
            (rules.DefaultUnresourcedTolerance, rules.OutstandingIntelligenceLimit, rules.ClearAfter));
    }

    [Theory]
    [InlineData("http://0.0.0.0:6123", "http://localhost:6123")]
    [InlineData("http://*:6124", "http://localhost:6124")]
    [InlineData("http://[::]:6125", "http://localhost:6125")]
    [InlineData("http://127.0.0.1:6126", "http://127.0.0.1:6126")]
    public void TheDemoPublishesToTheServersOwnGrpcEndpoint(string endpoint, string expected)
    {
        using var server = new MetricsServerFactory { Settings = { ["Kestrel:Endpoints:Grpc:Url"] = endpoint } };

        Assert.Equal(expected, server.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Server);
    }

    [Fact]
    public void TheSigningKeyAndTokensLiveUnderTheDataDirectoryUnlessGivenAPathOfTheirOwn()
    {
        var data = Path.Combine(Path.GetTempPath(), $"metrics-data-{Guid.NewGuid():N}");
        try
        {
            using var server = new MetricsServerFactory
            {
                Settings = { ["Storage:DataDirectory"] = data, ["Security:SigningKeyFile"] = "signing-key", ["Security:TokenDirectory"] = "tokens" },
            };

            var options = server.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
            server.Services.GetRequiredService<TokenIssuer>();

            Assert.Equal(Path.Combine(data, "signing-key"), options.SigningKeyFile);
            Assert.Equal(Path.Combine(data, "tokens"), options.TokenDirectory);
            Assert.True(File.Exists(Path.Combine(data, "signing-key")));
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("Storage:BusyTimeout", "00:00:00", "Storage:CommandTimeout and Storage:BusyTimeout longer than zero")]
    [InlineData("Storage:StartupWait", "-00:00:01", "Storage:StartupWait not negative")]
    [InlineData("Limits:MaxEventsPerBatch", "0", "every Limits setting must be more than zero")]
    [InlineData("Alerts:ClearAfter", "-00:01:00", "Alerts settings must not be negative")]
    [InlineData("Security:TokenLifetime", "00:00:00", "Security:TokenLifetime longer than zero")]
    [InlineData("Seed:Directory", "/no/such/seed/folder", "Seed:Directory must be a folder that exists")]
    public void ASettingOutOfRangeStopsTheServerStartingAndSaysWhichSetting(string key, string value, string expected)
    {
        using var server = new MetricsServerFactory { Settings = { [key] = value } };

        var error = Assert.ThrowsAny<Exception>(() => server.Services);

        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }
}
