using Microsoft.Extensions.Options;

namespace Metrics.Server.Live;

/// <summary>
/// One timer that finds the live streams whose write has been in flight for the stall timeout,
/// and cancels it. A timer armed and disarmed around every write (two operations on the
/// runtime's timer queue, under its lock, per message) took a tenth of the server's CPU in a
/// 2,000-subscriber fan-out, contending for that lock; marking a write's start is a field write.
/// A stalled stream is dropped between the timeout and a tenth of it later.
/// </summary>
internal sealed class StalledWrites : IDisposable
{
    private readonly Lock _gate = new();
    private readonly HashSet<WatchedStream> _streams = [];
    private readonly TimeProvider _clock;
    private readonly TimeSpan _timeout;
    private readonly ITimer _timer;

    public StalledWrites(TimeProvider clock, IOptions<LiveServiceOptions> options)
    {
        _clock = clock;
        _timeout = options.Value.StallTimeout;
        var every = _timeout / 10;
        _timer = clock.CreateTimer(_ => CancelStalled(), null, every, every);
    }

    /// <summary>A stream to watch until it is disposed; its token is cancelled when a write stalls.</summary>
    public WatchedStream Watch()
    {
        var stream = new WatchedStream(this);
        lock (_gate)
        {
            _streams.Add(stream);
        }

        return stream;
    }

    public void Dispose() => _timer.Dispose();

    private void CancelStalled()
    {
        var now = _clock.GetTimestamp();
        List<WatchedStream> stalled;
        lock (_gate)
        {
            stalled = [.. _streams.Where(s => s.WriteInFlightFor(now) >= _timeout)];
        }

        // Cancelled outside the lock: cancelling runs the write's callbacks.
        stalled.ForEach(s => s.Stall());
    }

    /// <summary>One live stream: marks when each write starts and ends.</summary>
    internal sealed class WatchedStream(StalledWrites watch) : IDisposable
    {
        private const long NotWriting = long.MinValue;
        private readonly CancellationTokenSource _stalled = new();
        private long _writeStartedAt = NotWriting;

        /// <summary>Cancelled when a write has been in flight for the stall timeout.</summary>
        public CancellationToken Stalled => _stalled.Token;

        /// <summary>How long the write in flight has taken by <paramref name="now"/>; zero with none.</summary>
        public TimeSpan WriteInFlightFor(long now) =>
            Volatile.Read(ref _writeStartedAt) is var started && started != NotWriting ? watch._clock.GetElapsedTime(started, now) : TimeSpan.Zero;

        public void WriteStarting() => Volatile.Write(ref _writeStartedAt, watch._clock.GetTimestamp());

        public void WriteEnded() => Volatile.Write(ref _writeStartedAt, NotWriting);

        public void Dispose()
        {
            lock (watch._gate)
            {
                watch._streams.Remove(this);
            }

            _stalled.Dispose();
        }

        internal void Stall()
        {
            try
            {
                _stalled.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The stream ended between the check and now.
            }
        }
    }
}
