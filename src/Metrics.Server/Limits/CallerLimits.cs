using Microsoft.Extensions.Options;

namespace Metrics.Server.Limits;

/// <summary>
/// The limits kept per caller (a token's subject): open live streams, and a token bucket of
/// events for ingest, refilled on the injected clock.
/// </summary>
public sealed class CallerLimits(IOptions<LimitOptions> options, TimeProvider clock)
{
    private readonly Dictionary<string, int> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (double Tokens, long At)> _buckets = new(StringComparer.Ordinal);

    /// <summary>Open live streams, all callers together (tests count them back to zero).</summary>
    public int OpenSubscriptions
    {
        get
        {
            lock (_subscriptions)
            {
                return _subscriptions.Values.Sum();
            }
        }
    }

    /// <summary>Counts a stream for the caller until the lease is disposed, or refuses it.</summary>
    public IDisposable OpenSubscription(string caller)
    {
        var most = options.Value.MaxSubscriptionsPerCaller;
        lock (_subscriptions)
        {
            var open = _subscriptions.GetValueOrDefault(caller);
            if (open >= most)
            {
                throw new LimitExceededException(
                    LimitExceeded.Streams,
                    options.Value.Key(nameof(LimitOptions.MaxSubscriptionsPerCaller)),
                    $"caller '{caller}' already has {open} live streams open; the most is {most} ({options.Value.Key(nameof(LimitOptions.MaxSubscriptionsPerCaller))})");
            }

            _subscriptions[caller] = open + 1;
        }

        return new Lease(() =>
        {
            lock (_subscriptions)
            {
                if (--_subscriptions[caller] == 0)
                {
                    _subscriptions.Remove(caller);
                }
            }
        });
    }

    /// <summary>
    /// Takes a batch's events from the caller's bucket, or refuses the batch (nothing of it is
    /// stored, nothing taken): too many events for one batch, or over the caller's rate.
    /// </summary>
    public void TakeEvents(string caller, int count)
    {
        var settings = options.Value;
        if (settings.TooManyEvents(count) is { } tooMany)
        {
            throw tooMany;
        }

        var now = clock.GetTimestamp();
        lock (_buckets)
        {
            var (tokens, at) = _buckets.GetValueOrDefault(caller, (settings.IngestBurst, now));
            tokens = Math.Min(settings.IngestBurst, tokens + (clock.GetElapsedTime(at, now).TotalSeconds * settings.IngestEventsPerSecond));
            if (count > tokens)
            {
                _buckets[caller] = (tokens, now);
                var wait = (count - tokens) / settings.IngestEventsPerSecond;
                var retryAfter = TimeSpan.FromSeconds(Math.Max(wait, 0.001));
                throw new LimitExceededException(
                    LimitExceeded.EventsPerSecond,
                    settings.Key(nameof(LimitOptions.IngestEventsPerSecond)),
                    $"caller '{caller}' is over {settings.IngestEventsPerSecond} events a second ({settings.Key(nameof(LimitOptions.IngestEventsPerSecond))}, bursts to {settings.IngestBurst}); retry this batch in {retryAfter.TotalSeconds:0.###} s",
                    retryAfter);
            }

            _buckets[caller] = (tokens - count, now);
        }
    }

    private sealed class Lease(Action release) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                release();
            }
        }
    }
}

/// <summary>Which of a caller's limits a request went over.</summary>
public enum LimitExceeded
{
    /// <summary>Live streams open at once.</summary>
    Streams = 1,

    /// <summary>Events published a second.</summary>
    EventsPerSecond = 2,

    /// <summary>Events in one batch.</summary>
    EventsPerBatch = 3,
}

/// <summary>A caller over one of its limits: which, the setting that holds it, and when trying again will work (if it will).</summary>
public sealed class LimitExceededException(LimitExceeded limit, string setting, string message, TimeSpan? retryAfter = null) : Exception(message)
{
    public LimitExceeded Limit { get; } = limit;

    public string Setting { get; } = setting;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
