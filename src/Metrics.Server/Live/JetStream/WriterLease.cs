using NATS.Client.KeyValueStore;

namespace Metrics.Server.Live.JetStream;

/// <summary>
/// The history writer's turn, taken through the cluster rather than chosen by hand: a key in a
/// JetStream key-value bucket whose entries expire after <see cref="JetStreamOptions.WriterLease"/>.
/// The replica that creates the key holds the turn and renews it every third of the lease
/// (compare-and-set on its revision); if it stops, the key expires and another creates it. The
/// holder counts the turn as its own for two thirds of a lease after the last renewal began, so
/// it has stopped before another can start; and every write is keyed by what it is, so a late
/// write from a former holder changes nothing.
/// </summary>
internal sealed class WriterLease(JetStreamLog log, TimeProvider clock) : Log.IHistoryWriterRole
{
    private const string Key = "writer";
    private INatsKVStore? _store;
    private ulong _revision;
    private long _heldUntil;

    public bool IsWriter => _revision != 0 && clock.GetTimestamp() < Volatile.Read(ref _heldUntil);

    public string? CapturedHourMark => $"{log.Name}/captures";

    public TimeSpan RenewEvery => log.Options.WriterLease / 3;

    /// <summary>Takes the turn if nobody holds it; whether this replica holds it now.</summary>
    public async Task<bool> TryTakeAsync(CancellationToken cancellationToken)
    {
        _store ??= await new NatsKVContext(log.Context).CreateOrUpdateStoreAsync(
            new NatsKVConfig(log.Options.WriterBucket) { MaxAge = log.Options.WriterLease, History = 1, NumberOfReplicas = log.Options.Replicas },
            cancellationToken);
        var began = clock.GetTimestamp();
        try
        {
            _revision = await _store.CreateAsync(Key, log.Options.ReplicaName, cancellationToken: cancellationToken);
            Held(began);
            return true;
        }
        catch (NatsKVCreateException)
        {
            return false;
        }
    }

    /// <summary>Renews the turn; false when it was lost (expired and taken, or not renewed in time).</summary>
    public async Task<bool> RenewAsync(CancellationToken cancellationToken)
    {
        var began = clock.GetTimestamp();
        try
        {
            _revision = await _store!.UpdateAsync(Key, log.Options.ReplicaName, _revision, cancellationToken: cancellationToken);
            Held(began);
            return true;
        }
        catch (NatsKVException)
        {
            _revision = 0;
            return false;
        }
    }

    private void Held(long began) =>
        Volatile.Write(ref _heldUntil, began + (long)(log.Options.WriterLease.TotalSeconds * 2 / 3 * clock.TimestampFrequency));

    public void Lost() => _revision = 0;
}
