using System.Collections.Concurrent;
using Metrics.Live.Subscriptions;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc.Live;

/// <summary>
/// The protocol message for each live change, built once per filter: subscribers that asked for
/// the same feeds and areas are sent the same update, so a change costs a message per filter,
/// not one per wall (the measurements: docs/performance.md, the fan-out).
/// </summary>
/// <remarks>Lock-free: every subscriber's writer loop reads it at once when a change goes out.</remarks>
internal sealed class SharedUpdates
{
    private Built? _latest;

    /// <summary>The message for <paramref name="message"/>, shared when it is one change sent whole.</summary>
    public V1.SubscribeResponse ToContract(LiveMessage message, SubscriberFilter filter)
    {
        if (message.Change is not { } change)
        {
            return message.ToContract();
        }

        var built = Volatile.Read(ref _latest);
        if (built is not null && built.Change.Sequence > change.Sequence)
        {
            // A later change has gone out already: this subscriber is behind, build its own.
            return message.ToContract();
        }

        if (!ReferenceEquals(built?.Change, change))
        {
            var fresh = new Built(change);
            var was = Interlocked.CompareExchange(ref _latest, fresh, built);
            built = ReferenceEquals(was, built) ? fresh : was;
            if (!ReferenceEquals(built?.Change, change))
            {
                return message.ToContract();
            }
        }

        return built.ByFilter.GetOrAdd(filter, static (_, m) => m.ToContract(), message);
    }

    private sealed class Built(LiveChange change)
    {
        public LiveChange Change { get; } = change;

        public ConcurrentDictionary<SubscriberFilter, V1.SubscribeResponse> ByFilter { get; } = new();
    }
}
