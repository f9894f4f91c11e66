using System.Reactive.Concurrency;
using Metrics.Live.Subscriptions;
using Metrics.Live.Windows;
using Metrics.Server.Live.JetStream;
using Metrics.Server.Live.Log;
using Metrics.Storage.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Live;

/// <summary>Live operations: the event-time pipeline, its broadcast to subscribers, ingest, recovery at start and the hourly capture.</summary>
internal static class LiveRegistration
{
    public static IServiceCollection AddLiveOperations(this IServiceCollection services, IConfiguration configuration)
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
        services.AddSingleton<StalledWrites>();
        services.AddSingleton<EventChecks>();
        services.AddSingleton<EventIngest>();
        services.AddSingleton<LogPositionRepository>();
        if (configuration.GetValue<EventLogKind>($"{LiveServiceOptions.SectionName}:{nameof(LiveServiceOptions.Log)}") == EventLogKind.JetStream)
        {
            AddSharedLog(services);
        }
        else
        {
            AddLocalLog(services);
        }

        services.AddHostedService<LiveHistoryCapture>();
        return services;
    }

    /// <summary>The single process: events stored in the historical store, then applied; the pipeline on the scheduler's clock.</summary>
    private static void AddLocalLog(IServiceCollection services)
    {
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
        services.AddSingleton<ILiveEventLog, LocalEventLog>();
        services.AddSingleton<IHistoryWriterRole, SingleProcessWriter>();
        services.AddHostedService<LiveRecovery>();
    }

    /// <summary>
    /// A replica of a shared log (docs/scale-out.md): events appended to JetStream and applied from
    /// it in its order, the pipeline on the log's time and computed at the entries that say so,
    /// changes numbered by the log's positions, the history written by whichever replica holds the turn.
    /// </summary>
    private static void AddSharedLog(IServiceCollection services)
    {
        services.AddOptions<JetStreamOptions>().BindConfiguration(JetStreamOptions.SectionName)
            .Validate(o => o.Replicas >= 1 && o.TickEvery > TimeSpan.Zero && o.WriterLease >= TimeSpan.FromSeconds(1) && o.Retention > TimeSpan.Zero && o.AppendTimeout > TimeSpan.Zero, "Live:JetStream: Replicas at least 1, WriterLease at least a second, TickEvery, Retention and AppendTimeout longer than zero")
            .ValidateOnStart();
        services.AddSingleton<JetStreamLog>();
        services.AddSingleton<LogTime>();
        services.AddSingleton<LogFollower>();
        services.AddSingleton(sp =>
        {
            var live = sp.GetRequiredService<IOptions<LiveServiceOptions>>().Value;
            var alerts = sp.GetRequiredService<IOptions<AlertOptions>>().Value.ToRules();
            var time = sp.GetRequiredService<LogTime>();
            return new LivePipeline(live.ToLiveOptions(), time, live.PublishEvery, alerts, publishAfterEventsWithin: TimeSpan.Zero, ticks: time.FiguresDue);
        });
        services.AddSingleton(sp =>
        {
            var pipeline = sp.GetRequiredService<LivePipeline>();
            var follower = sp.GetRequiredService<LogFollower>();
            return new LiveBroadcast(
                pipeline.Snapshots,
                pipeline.Snapshot(),
                sp.GetRequiredService<IOptions<LiveServiceOptions>>().Value.ReplayCapacity,
                LiveBroadcast.FirstLogSequence(follower.Position),
                sp.GetRequiredService<TimeProvider>(),
                LiveBroadcast.LogNumbering(() => follower.Position));
        });
        services.AddSingleton<ILiveEventLog, JetStreamEventLog>();
        services.AddSingleton<WriterLease>();
        services.AddSingleton<IHistoryWriterRole>(sp => sp.GetRequiredService<WriterLease>());
        services.AddHostedService(sp => sp.GetRequiredService<LogFollower>());
        services.AddHostedService<LogTicks>();
        services.AddSingleton<HistoryWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<HistoryWriter>());
    }
}

/// <summary>Which event log the live figures follow (Live:Log).</summary>
public enum EventLogKind
{
    /// <summary>The single process's: the historical store.</summary>
    Local = 0,

    /// <summary>NATS JetStream, shared by replicas.</summary>
    JetStream = 1,
}
