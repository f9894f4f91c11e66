using Grpc.Core;
using Metrics.Contracts.V1;
using Xunit.Abstractions;

namespace Metrics.Server.Tests;

/// <summary>
/// A publisher streams events through two replicas of a shared JetStream log (moving to the other
/// when one goes, as a load balancer would send it) while a replica is killed (SIGKILL) and then
/// one of the three NATS nodes is, and both are started again: every acknowledged event is
/// stored, none twice, and the restarted replica's figures equal the one that stayed up.
/// </summary>
[Collection(nameof(ConsoleCommands))] // real processes: not beside the other process tests
public sealed class ReplicaFailoverTests(ITestOutputHelper output)
{
    private const int BatchSize = 20;

    [Fact]
    public async Task KillingAReplicaAndANatsNodeLosesNoAcknowledgedEventAndStoresNoneTwice()
    {
        await using var cluster = await NatsCluster.StartAsync();
        await using var a = await ServerProcess.StartAsync(ReplicaEvents.Settings(cluster, "a"));
        await using var b = await ServerProcess.StartReplicaOfAsync(a, ReplicaEvents.Settings(cluster, "b"));
        var events = ReplicaEvents.Make("kill", DateTimeOffset.UtcNow.AddMinutes(-5), 3000);
        var publisher = new Publisher([a, b], events);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var publishing = publisher.RunAsync(stop.Token);
        try
        {
            await publisher.UntilAcknowledgedAsync(600, stop.Token);
            await a.KillAsync();
            output.WriteLine($"replica a killed after {publisher.Acknowledged.Count} acknowledged");
            await publisher.UntilAcknowledgedAsync(1200, stop.Token);
            await cluster.KillAsync(0);
            output.WriteLine($"nats node 1 killed after {publisher.Acknowledged.Count} acknowledged");
            await publisher.UntilAcknowledgedAsync(1800, stop.Token);
            await a.StartAgainAsync();
            await cluster.RestartAsync(0);
            output.WriteLine($"both started again after {publisher.Acknowledged.Count} acknowledged");
            await publishing;
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            output.WriteLine(a.Output[^Math.Min(a.Output.Length, 6000)..]);
            output.WriteLine("=====");
            output.WriteLine($"stopped at {publisher.Acknowledged.Count} acknowledged; failures: {string.Join(" | ", publisher.Failures.Distinct())}");
            output.WriteLine(b.Output[^Math.Min(b.Output.Length, 6000)..]);
            throw;
        }

        output.WriteLine($"{publisher.Failovers} failovers; {publisher.Duplicates} re-sent were duplicates; failures: {string.Join(" | ", publisher.Failures.Distinct())}");
        var stored = await ReplicaEvents.StoredIdsAsync(a, "kill-", events.Count);
        Assert.Equal(stored.Count, stored.Distinct().Count()); // once each
        Assert.Empty(publisher.Acknowledged.Except(stored)); // nothing acknowledged is lost
        Assert.Equal(events.Select(e => e.EventId).Order(), stored.Order());
        await ReplicaEvents.UntilSettledAsync(a, b);
    }

    [Fact]
    public async Task WithoutAQuorumIngestIsRefusedUnavailableAndWallsHearNothingUntilItIsBack()
    {
        await using var cluster = await NatsCluster.StartAsync();
        await using var replica = await ServerProcess.StartAsync([.. ReplicaEvents.Settings(cluster, "a"), ("Live:Heartbeat", "00:00:01")]);
        var ingest = new IngestService.IngestServiceClient(replica.CreateChannel());
        using var stream = new LiveService.LiveServiceClient(replica.CreateChannel()).Subscribe(new SubscribeRequest { Feeds = { LiveFeed.Intelligence } });
        var heard = System.Threading.Channels.Channel.CreateUnbounded<DateTime>();
        var listening = Task.Run(async () =>
        {
            while (await stream.ResponseStream.MoveNext(CancellationToken.None))
            {
                heard.Writer.TryWrite(DateTime.UtcNow);
            }
        });
        Assert.True(await HeardWithinAsync(heard, TimeSpan.FromSeconds(5)), "the stream's first message");
        Assert.True(await HeardWithinAsync(heard, TimeSpan.FromSeconds(3)), "a heartbeat while the log moves");

        // Two of the three nodes gone: the stream has no quorum.
        await cluster.KillAsync(1);
        await cluster.KillAsync(2);
        var held = new PublishBatchRequest { Events = { ReplicaEvents.Make("no-quorum", DateTimeOffset.UtcNow.AddSeconds(-30), 5) } };
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await ingest.PublishBatchAsync(held));
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Contains("the event log is unavailable", refused.Status.Detail, StringComparison.Ordinal);

        // The figures stop with the log's clock: once it has not moved for three ticks, no heartbeats.
        await Task.Delay(TimeSpan.FromSeconds(4));
        while (heard.Reader.TryRead(out _))
        {
        }

        Assert.False(await HeardWithinAsync(heard, TimeSpan.FromSeconds(4)), "a heartbeat while the log has no quorum");
        Assert.False(listening.IsCompleted, "the stream stays open: the wall keeps its figures, marked stale");

        // A node back: the clock moves, heartbeats come again, ingest takes the events.
        await cluster.RestartAsync(1);
        Assert.True(await HeardWithinAsync(heard, TimeSpan.FromSeconds(60)), "a message once the quorum is back (the restarted node catches up and the stream elects a leader first)");
        // The batch refused is sent again as it was, as a publisher does (an event of it the
        // cluster had begun to take before it lost the quorum comes back as a duplicate).
        await ReplicaEvents.UntilAsync(
            async () =>
            {
                try
                {
                    var again = await ingest.PublishBatchAsync(held);
                    Assert.Empty(again.Acknowledgement.Rejected);
                    return again.Acknowledgement.Accepted + again.Acknowledgement.Duplicates == 5;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
                {
                    return false;
                }
            },
            "ingest takes events again",
            TimeSpan.FromSeconds(60));
    }

    private static async Task<bool> HeardWithinAsync(System.Threading.Channels.Channel<DateTime> heard, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await heard.Reader.ReadAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Batches in order, each sent again (same ids) until acknowledged, to the next replica whenever one fails.</summary>
    private sealed class Publisher(ServerProcess[] replicas, IReadOnlyList<OperationalEvent> events)
    {
        private int _replica;

        public List<string> Acknowledged { get; } = [];

        public int Duplicates { get; private set; }

        public int Failovers { get; private set; }

        public List<string> Failures { get; } = [];

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            var next = 0;
            while (next < events.Count)
            {
                var batch = new PublishBatchRequest();
                batch.Events.Add(events.Skip(next).Take(BatchSize));
                try
                {
                    using var channel = replicas[_replica].CreateChannel();
                    var response = await new IngestService.IngestServiceClient(channel).PublishBatchAsync(batch, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
                    Assert.Empty(response.Acknowledgement.Rejected);
                    lock (Acknowledged)
                    {
                        Acknowledged.AddRange(batch.Events.Select(e => e.EventId));
                    }

                    Duplicates += response.Acknowledgement.Duplicates;
                    next += batch.Events.Count;
                    await Task.Delay(10, cancellationToken);
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && !cancellationToken.IsCancellationRequested)
                {
                    // The replica gone, or its log without a quorum for a moment: the other, after a pause.
                    Failures.Add($"{e.StatusCode}: {e.Status.Detail}");
                    Failovers++;
                    _replica = (_replica + 1) % replicas.Length;
                    await Task.Delay(200, cancellationToken);
                }
            }
        }

        public async Task UntilAcknowledgedAsync(int count, CancellationToken cancellationToken)
        {
            while (true)
            {
                lock (Acknowledged)
                {
                    if (Acknowledged.Count >= count)
                    {
                        return;
                    }
                }

                await Task.Delay(20, cancellationToken);
            }
        }
    }
}
