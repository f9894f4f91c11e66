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
        var replayed = await ReplayStoredAsync(events, pipeline, cancellationToken);
        LiveLog.Recovered(logger, replayed);

        // The broadcast starts the pipeline's ticks; subscribers join it from here on.
        services.GetRequiredService<Metrics.Live.Subscriptions.LiveBroadcast>();
        services.GetRequiredService<Telemetry.ServiceMetrics>();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Applies every stored event to the pipeline in arrival order, a page at a time, each also
    /// handed to <paramref name="each"/>; how many. A single process's recovery, and the start of a
    /// replica's (which goes on with the shared log).
    /// </summary>
    public static async Task<int> ReplayStoredAsync(EventRepository events, LivePipeline pipeline, CancellationToken cancellationToken, Action<Metrics.Domain.Operations.StoredEvent>? each = null)
    {
        var replayed = 0;
        var page = new List<Metrics.Domain.Operations.StoredEvent>(1000);
        await foreach (var e in events.ReadAfterAsync(0, cancellationToken))
        {
            each?.Invoke(e);
            page.Add(e);
            if (page.Count == page.Capacity)
            {
                pipeline.Apply(page);
                replayed += page.Count;
                page.Clear();
            }
        }

        pipeline.Apply(page);
        return replayed + page.Count;
    }
}

internal static partial class LiveLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Live figures rebuilt from {Events} stored events")]
    public static partial void Recovered(ILogger logger, int events);
}
