using Metrics.Domain.Operations;
using Metrics.Live.Windows;
using Metrics.Server.Live.Log;
using Metrics.Storage.Repositories;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Metrics.Server.Live.JetStream;

/// <summary>
/// Appends to the shared log from any replica. An event is acknowledged only once JetStream has
/// it on a majority of the stream's copies (its publish acknowledgement); every replica then
/// applies it from the log (<see cref="LogFollower"/>), and one stores it (<see cref="HistoryWriter"/>).
/// An event is one entry however many replicas it is sent to: within the duplicate window
/// JetStream answers a repeat with the entry it has, which is read back to tell a repeat from
/// another event under the same id; after it, the historical store has it.
/// </summary>
internal sealed class JetStreamEventLog(JetStreamLog log, LogTime time, EventRepository events, LivePipeline pipeline, TimeProvider clock) : ILiveEventLog
{
    public bool FiguresCurrent => time.Moving;

    public async Task<AppendedEvents> AppendAsync(IReadOnlyList<OperationalEvent> batch, CancellationToken cancellationToken)
    {
        var late = pipeline.ClassifyLate(batch);
        var identities = batch.Select(e => (e.Source, e.EventId)).Distinct().ToList();
        IReadOnlyDictionary<(string Source, string EventId), StoredEvent> stored;
        try
        {
            stored = await events.FindAsync(identities, cancellationToken);
        }
        catch (System.Data.Common.DbException e)
        {
            throw new EventLogUnavailableException($"the historical store could not be asked which events it has ({e.Message})", e);
        }

        // Each identity once: the batch's first with it is appended, the rest are judged against it.
        var firstOf = new Dictionary<(string, string), int>();
        var duplicates = 0;
        List<int> reused = [];
        List<int> toAppend = [];
        for (var i = 0; i < batch.Count; i++)
        {
            var identity = (batch[i].Source, batch[i].EventId);
            var original = stored.TryGetValue(identity, out var before) ? before.Event
                : firstOf.TryGetValue(identity, out var first) ? batch[first]
                : null;
            if (original is null)
            {
                firstOf[identity] = i;
                toAppend.Add(i);
            }
            else if (EventRepository.SayTheSame(batch[i], original))
            {
                duplicates++;
            }
            else
            {
                reused.Add(i);
            }
        }

        var loggedAt = clock.GetUtcNow();
        List<StoredEvent> appended = [];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(log.Options.AppendTimeout);
        var futures = new List<NatsJSPublishConcurrentFuture>(toAppend.Count);
        try
        {
            // Started in order (JetStream keeps one connection's order), then awaited together.
            foreach (var i in toAppend)
            {
                futures.Add(await log.StartAppendAsync(batch[i], late[i], loggedAt, endsBatch: i == toAppend[^1], timeout.Token));
            }

            for (var n = 0; n < futures.Count; n++)
            {
                var i = toAppend[n];
                var ack = await futures[n].GetResponseAsync(timeout.Token);
                if (ack.Error is { } error)
                {
                    throw new EventLogUnavailableException($"the event log refused an event ({error.Code} {error.Description})");
                }

                if (!ack.Duplicate)
                {
                    appended.Add(new StoredEvent((long)ack.Seq, batch[i], late[i]));
                }
                else if (await log.ReadAsync((long)ack.Seq, timeout.Token) is LoggedEvent original && EventRepository.SayTheSame(batch[i], original.Event))
                {
                    duplicates++;
                }
                else
                {
                    reused.Add(i);
                }
            }
        }
        catch (Exception e) when (e is NatsException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new EventLogUnavailableException(
                $"the event log did not acknowledge the batch within {log.Options.AppendTimeout.TotalSeconds:0.#} s ({e.Message}): events before the first unacknowledged one may be in it; send the batch again (repeats are acknowledged as duplicates)",
                e);
        }
        finally
        {
            foreach (var future in futures)
            {
                try
                {
                    await future.DisposeAsync();
                }
                catch (NatsException)
                {
                    // Its reply subscription ended with the connection: nothing to release.
                }
            }
        }

        reused.Sort();
        return new AppendedEvents(appended, duplicates, reused);
    }
}
