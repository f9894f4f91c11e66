namespace Metrics.Server.Live.JetStream;

/// <summary>
/// Appends the clock's ticks to the shared log: every replica appends each instant (aligned to
/// <see cref="JetStreamOptions.TickEvery"/>), and JetStream keeps the first of each, so the
/// figures keep moving while any one replica runs, and no replica has to be chosen to keep time.
/// </summary>
internal sealed partial class LogTicks(JetStreamLog log, TimeProvider clock, ILogger<LogTicks> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = log.Options.TickEvery;
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var next = new DateTimeOffset((now.UtcTicks / every.Ticks + 1) * every.Ticks, TimeSpan.Zero);
            await Task.Delay(next - now, clock, stoppingToken);
            try
            {
                await log.AppendTickAsync(next, stoppingToken);
                failing = false;
            }
            catch (Exception e) when (e is NATS.Client.Core.NatsException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                // Another replica's tick serves as well; said once while it lasts.
                if (!failing)
                {
                    TickFailed(logger, next, e.Message);
                }

                failing = true;
            }
        }
    }

    [LoggerMessage(EventId = 132, Level = LogLevel.Warning, Message = "Could not append the tick of {At:O} to the event log: {Reason}")]
    private static partial void TickFailed(ILogger logger, DateTimeOffset at, string reason);
}
