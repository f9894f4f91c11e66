using Metrics.Live.Windows;
using Metrics.Storage.Repositories;

namespace Metrics.Server.Live;

/// <summary>
/// Names the areas and rebuilds the live figures from the stored events when the host starts, before it listens,
/// so that a restart changes nothing a display shows. Events are replayed in the order they
/// arrived, with the late flag they were stored with.
/// </summary>
internal sealed class LiveRecovery(EventRepository events, LivePipeline pipeline, History.CatalogueLookup lookup, IServiceProvider services, ILogger<LiveRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Alerts name areas as the wall does, from the first tick.
        pipeline.NameAreas([.. (await lookup.AreasAsync(cancellationToken)).Select(a => (a.Code, a.Name))]);
        var replayed = 0;
        var page = new List<Metrics.Domain.Operations.StoredEvent>(1000);
        await foreach (var e in events.ReadAfterAsync(0, cancellationToken))
        {
            page.Add(e);
            if (page.Count == page.Capacity)
            {
                pipeline.Apply(page);
                replayed += page.Count;
                page.Clear();
            }
        }

        pipeline.Apply(page);
        replayed += page.Count;
        LiveLog.Recovered(logger, replayed);

        // The broadcast starts the pipeline's ticks; subscribers join it from here on.
        services.GetRequiredService<Metrics.Live.Subscriptions.LiveBroadcast>();
        services.GetRequiredService<Telemetry.ServiceMetrics>();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static partial class LiveLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Live figures rebuilt from {Events} stored events")]
    public static partial void Recovered(ILogger logger, int events);
}
