using Metrics.Domain.Operations;
using Metrics.Live.Windows;
using Metrics.Storage.Repositories;

namespace Metrics.Server.Live.JetStream;

/// <summary>
/// Applies the shared log to this replica's figures, in the log's order. At start, before the
/// host listens: the events the historical store holds (up to the position stored with them),
/// then the log from there to its last entry as it was at start; only then does the replica
/// serve (so readiness is the port being open), and it follows the log from there.
/// </summary>
/// <remarks>
/// The pipeline computes its figures only when an entry says so, at the entry's time
/// (<see cref="LogTime"/>): on every tick, and on an event that is the first in its slice of
/// <see cref="LiveServiceOptions.PublishAfterEventsWithin"/>. Both are decided by the log
/// alone, so every replica computes the same figures at the same entries, and numbers each change
/// with the entry's position.
/// </remarks>
internal sealed partial class LogFollower(
    JetStreamLog log,
    EventRepository events,
    LogPositionRepository positions,
    LivePipeline pipeline,
    LogTime time,
    History.CatalogueLookup lookup,
    Microsoft.Extensions.Options.IOptions<LiveServiceOptions> live,
    IServiceProvider services,
    ILogger<LogFollower> logger) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly EventsSeen _seen = new();
    private IAsyncEnumerator<LogEntry>? _entries;
    private Task _following = Task.CompletedTask;
    private long _position;
    private long _lastSlice = long.MinValue;
    private bool _figuresWaiting;

    /// <summary>The position of the last entry applied.</summary>
    public long Position => Interlocked.Read(ref _position);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        pipeline.NameAreas([.. (await lookup.AreasAsync(cancellationToken)).Select(a => (a.Code, a.Name))]);
        await log.UntilAnsweredAsync(async c => { await log.EnsureStreamAsync(c); return true; }, cancellationToken);

        var storedThrough = await positions.ReadAsync(log.Name, cancellationToken);
        var replayed = await LiveRecovery.ReplayStoredAsync(events, pipeline, cancellationToken, e => _seen.Add(e.Event));
        Interlocked.Exchange(ref _position, storedThrough);

        var head = await log.UntilAnsweredAsync(log.LastPositionAsync, cancellationToken);
        _entries = log.ReadFromAsync(storedThrough + 1, _stopping.Token).GetAsyncEnumerator(_stopping.Token);
        var caughtUp = 0;
        using (cancellationToken.Register(_stopping.Cancel))
        {
            while (Position < head && await _entries.MoveNextAsync())
            {
                Apply(_entries.Current);
                caughtUp++;
            }
        }

        CaughtUp(logger, replayed, storedThrough, caughtUp, Position);

        // The broadcast subscribes to the figures from here on.
        services.GetRequiredService<Metrics.Live.Subscriptions.LiveBroadcast>();
        services.GetRequiredService<Telemetry.ServiceMetrics>();
        _following = Task.Run(FollowAsync, CancellationToken.None);
    }

    private async Task FollowAsync()
    {
        try
        {
            while (await _entries!.MoveNextAsync())
            {
                Apply(_entries.Current);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The log is read again across lost connections and elections (JetStreamLog.ReadFromAsync): anything else stops this replica's figures, and its time stands still, so its walls go stale and say so.
            FollowFailed(logger, Position, e);
            throw;
        }
    }

    /// <summary>
    /// One entry: an event is applied unless an event with its identity was (the log's duplicate
    /// window is finite); a later time moves the clock. The figures are due on a tick that moves
    /// the clock, and at the end of a batch of events unless a batch's were computed within the same
    /// slice of <see cref="LiveServiceOptions.PublishAfterEventsWithin"/>: then at the first entry
    /// of a later slice (or the next tick, which computes everything), so a burst of small batches
    /// costs one computation a slice. The log alone decides, so every replica computes its figures
    /// at the same entries.
    /// </summary>
    private void Apply(LogEntry entry)
    {
        var moved = time.AdvanceTo(entry.At);
        var slice = time.Now.UtcTicks / Math.Max(1, live.Value.PublishAfterEventsWithin.Ticks);
        if (entry is LoggedEvent logged && _seen.Add(logged.Event))
        {
            pipeline.Apply([new StoredEvent(entry.Position, logged.Event, logged.Late)]);
            _figuresWaiting |= logged.EndsBatch;
        }

        var forEvents = _figuresWaiting && slice != _lastSlice;
        Interlocked.Exchange(ref _position, entry.Position);
        if (forEvents || (entry is LoggedTick && moved))
        {
            _figuresWaiting = false;
            _lastSlice = forEvents ? slice : _lastSlice;
            time.FiguresAreDue();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAny(_following, Task.Delay(Timeout.Infinite, cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        if (_entries is not null)
        {
            await _entries.DisposeAsync();
        }

        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 130, Level = LogLevel.Information, Message = "Live figures rebuilt from {Stored} stored events (the log stored through {StoredThrough}) and {Entries} log entries: following the log from {Position}")]
    private static partial void CaughtUp(ILogger logger, int stored, long storedThrough, int entries, long position);

    [LoggerMessage(EventId = 131, Level = LogLevel.Critical, Message = "Stopped following the event log after position {Position}: this replica's figures no longer change")]
    private static partial void FollowFailed(ILogger logger, long position, Exception exception);
}
