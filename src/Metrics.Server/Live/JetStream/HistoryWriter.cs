using System.Threading.Channels;
using Metrics.Storage.Repositories;

namespace Metrics.Server.Live.JetStream;

/// <summary>
/// Stores the shared log's events in the historical store, once: the replica holding the
/// writer's turn (<see cref="WriterLease"/>) reads the log from the position stored with the last
/// events and stores each run of entries in one transaction with the position it ends, so that
/// a writer that takes over after another stops neither skips an event nor stores one twice (and
/// the store refuses a second copy of an identity anyway).
/// </summary>
internal sealed partial class HistoryWriter(
    JetStreamLog log,
    WriterLease lease,
    EventRepository events,
    LogPositionRepository positions,
    ILogger<HistoryWriter> logger) : BackgroundService
{
    private const int MostEntriesAtOnce = 2000;

    /// <summary>The position of the last entry this replica stored (0 before its first).</summary>
    public long StoredThrough { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await lease.TryTakeAsync(stoppingToken))
                {
                    await Task.Delay(lease.RenewEvery, stoppingToken);
                    continue;
                }

                TookTurn(logger, log.Options.ReplicaName);
                using var turn = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var renewing = RenewAsync(turn);
                try
                {
                    await WriteAsync(turn.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    LostTurn(logger, log.Options.ReplicaName, StoredThrough);
                }
                finally
                {
                    await turn.CancelAsync();
                    await renewing;
                    lease.Lost();
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is NATS.Client.Core.NatsException or System.Data.Common.DbException or TimeoutException)
            {
                WriteFailed(logger, StoredThrough, e.Message);
                lease.Lost();
                await Task.Delay(lease.RenewEvery, stoppingToken);
            }
        }
    }

    /// <summary>Renews the turn until it is lost or given up; losing it stops the writing.</summary>
    private async Task RenewAsync(CancellationTokenSource turn)
    {
        try
        {
            while (!turn.IsCancellationRequested)
            {
                await Task.Delay(lease.RenewEvery, turn.Token);
                bool renewed;
                try
                {
                    renewed = await lease.RenewAsync(turn.Token);
                }
                catch (Exception e) when (e is NATS.Client.Core.NatsException or TimeoutException)
                {
                    renewed = lease.IsWriter; // not reached: keep writing while the turn lasts, try again
                }

                if (!renewed)
                {
                    await turn.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        var from = await positions.ReadAsync(log.Name, cancellationToken);
        StoredThrough = from;
        var entries = Channel.CreateBounded<LogEntry>(new BoundedChannelOptions(MostEntriesAtOnce * 2) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var entry in log.ReadFromAsync(from + 1, cancellationToken))
                    {
                        await entries.Writer.WriteAsync(entry, cancellationToken);
                    }

                    entries.Writer.TryComplete();
                }
                catch (Exception e)
                {
                    entries.Writer.TryComplete(e);
                }
            },
            CancellationToken.None);

        var run = new List<LogEntry>(MostEntriesAtOnce);
        while (await entries.Reader.WaitToReadAsync(cancellationToken))
        {
            run.Clear();
            while (run.Count < MostEntriesAtOnce && entries.Reader.TryRead(out var entry))
            {
                run.Add(entry);
            }

            await StoreAsync(run, cancellationToken);
        }

        await reading;
    }

    private async Task StoreAsync(List<LogEntry> run, CancellationToken cancellationToken)
    {
        var through = new LogPosition(log.Name, run[^1].Position);
        List<(Domain.Operations.OperationalEvent Event, bool Late, DateTimeOffset ReceivedAt)> logged =
            [.. run.OfType<LoggedEvent>().Select(e => (e.Event, e.Late, e.At))];
        if (logged.Count > 0)
        {
            var stored = await events.StoreAsync(logged, through, cancellationToken);
            if (stored.Duplicates > 0 || stored.IdsReused.Count > 0)
            {
                RepeatsNotStored(logger, stored.Duplicates + stored.IdsReused.Count, through.Position);
            }
        }
        else
        {
            await positions.AdvanceAsync(through, cancellationToken);
        }

        StoredThrough = through.Position;
    }

    [LoggerMessage(EventId = 133, Level = LogLevel.Information, Message = "{Replica} writes the live history now")]
    private static partial void TookTurn(ILogger logger, string replica);

    [LoggerMessage(EventId = 134, Level = LogLevel.Warning, Message = "{Replica} lost the turn to write the live history, having stored the log through {Position}")]
    private static partial void LostTurn(ILogger logger, string replica, long position);

    [LoggerMessage(EventId = 135, Level = LogLevel.Warning, Message = "Writing the live history stopped after the log's position {Position}: {Reason}; trying again")]
    private static partial void WriteFailed(ILogger logger, long position, string reason);

    [LoggerMessage(EventId = 136, Level = LogLevel.Information, Message = "{Events} events in the log up to {Position} were stored already and were not stored again")]
    private static partial void RepeatsNotStored(ILogger logger, int events, long position);
}
