using System.Reactive.Concurrency;
using Metrics.Live.Subscriptions;
using Metrics.Live.Windows;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Live;

/// <summary>Live operations: the event-time pipeline, its broadcast to subscribers, ingest, recovery at start and the hourly capture.</summary>
internal static class LiveRegistration
{
    public static IServiceCollection AddLiveOperations(this IServiceCollection services)
    {
        services.AddOptions<LiveServiceOptions>().BindConfiguration(LiveServiceOptions.SectionName)
            .Validate(o => o.PublishEvery > TimeSpan.Zero && o.Heartbeat > TimeSpan.Zero && o.StallTimeout > TimeSpan.Zero, "Live:PublishEvery, Live:Heartbeat and Live:StallTimeout must be longer than zero")
            .Validate(o => o.MinimumAnsweredToJudge >= 1, "Live:MinimumAnsweredToJudge must be at least 1")
            .ValidateOnStart();
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.SectionName)
            .Validate(
                o => o.AbandonRateLimit999 >= 0 && o.AbandonRateLimit101 >= 0 && o.DefaultUnresourcedTolerance >= 0 && o.OutstandingIntelligenceLimit >= 0
                    && o.ClearAfter >= TimeSpan.Zero && o.UnresourcedTolerance.Values.All(t => t >= 0)
                    && o.CatchUpLateEvents >= 1,
                "Alerts settings must not be negative (Alerts:CatchUpLateEvents at least 1)")
            .ValidateOnStart();

        // Rx takes its time from a scheduler (tests give a virtual one).
        services.TryAddSingleton<IScheduler>(DefaultScheduler.Instance);
        services.AddSingleton(sp =>
        {
            var live = sp.GetRequiredService<IOptions<LiveServiceOptions>>().Value;
            var alerts = sp.GetRequiredService<IOptions<AlertOptions>>().Value.ToRules();
            return new LivePipeline(live.ToLiveOptions(), sp.GetRequiredService<IScheduler>(), live.PublishEvery, alerts, live.PublishAfterEventsWithin);
        });
        services.AddSingleton(sp =>
        {
            var pipeline = sp.GetRequiredService<LivePipeline>();
            var clock = sp.GetRequiredService<TimeProvider>();
            return new LiveBroadcast(
                pipeline.Snapshots,
                pipeline.Snapshot(),
                sp.GetRequiredService<IOptions<LiveServiceOptions>>().Value.ReplayCapacity,
                LiveBroadcast.FirstSequenceAt(clock.GetUtcNow()),
                clock);
        });
        services.AddSingleton<StalledWrites>();
        services.AddSingleton<EventChecks>();
        services.AddSingleton<EventIngest>();
        services.AddHostedService<LiveRecovery>();
        services.AddHostedService<LiveHistoryCapture>();
        return services;
    }
}
