using System.Globalization;
using Metrics.Contracts.V1;
using Microsoft.Data.Sqlite;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Metrics.Server.Tests;

/// <summary>
/// The hourly captures and month roll-ups with two replicas of a shared log: both cross the hour
/// at the same tick of the log, one writes. A tick for the next hour is appended to the log as any
/// replica appends one (the log's time is the figures' time), then the writer is killed, the
/// other takes its turn, and the hour after is written once too, by the other.
/// </summary>
[Collection(nameof(ConsoleCommands))] // real processes: not beside the other process tests
public sealed class ReplicaCaptureTests
{
    [Fact]
    public async Task EachHourIsCapturedAndRolledUpOnceWhicheverReplicaWritesIt()
    {
        await using var cluster = await NatsCluster.StartAsync();
        await using var a = await ServerProcess.StartAsync(ReplicaEvents.Settings(cluster, "a"));
        await using var b = await ServerProcess.StartReplicaOfAsync(a, ReplicaEvents.Settings(cluster, "b"));
        var events = ReplicaEvents.Make("hour", DateTimeOffset.UtcNow.AddMinutes(-3), 60);
        await new IngestService.IngestServiceClient(a.CreateChannel()).PublishBatchAsync(new PublishBatchRequest { Events = { events } });
        await ReplicaEvents.UntilSettledAsync(a, b);

        var hour = NextHour(DateTimeOffset.UtcNow);
        await AppendTickAsync(cluster, hour.AddSeconds(1));
        await ReplicaEvents.UntilAsync(async () => await RollUpsAsync(a, hour) == 1 && await CapturesAsync(a, hour) > 0, $"the hour to {hour:HH:mm} is captured");
        await Task.Delay(TimeSpan.FromSeconds(2)); // a second writer would have written by now
        Assert.Equal(1, await RollUpsAsync(a, hour));
        var writer = CapturedBy(a, hour) ? a : b;
        Assert.True(CapturedBy(writer, hour) ^ CapturedBy(writer == a ? b : a, hour), "exactly one replica captured the hour");
        var captures = await CapturesAsync(a, hour);

        // The writer goes; the other takes its turn (the lease expires) and writes the next hour, once.
        var other = writer == a ? b : a;
        await writer.KillAsync();
        var otherName = other == a ? "a" : "b";
        await ReplicaEvents.UntilAsync(() => Task.FromResult(other.Output.Contains($"{otherName} writes the live history now", StringComparison.Ordinal)), "the other replica takes the turn to write");
        var next = hour.AddHours(1);
        await AppendTickAsync(cluster, next.AddSeconds(1));
        await ReplicaEvents.UntilAsync(async () => await RollUpsAsync(other, next) == 1 && CapturedBy(other, next), $"the hour to {next:HH:mm} is captured by the other replica");
        Assert.Equal(captures, await CapturesAsync(other, next));
        Assert.Equal(1, await RollUpsAsync(other, hour)); // the first hour not written again
    }

    private static DateTimeOffset NextHour(DateTimeOffset at) => new DateTimeOffset(at.UtcDateTime.Date.AddHours(at.UtcDateTime.Hour), TimeSpan.Zero).AddHours(1);

    /// <summary>A tick as a replica appends one: on the stream's tick subject, its instant in milliseconds, identified by it.</summary>
    private static async Task AppendTickAsync(NatsCluster cluster, DateTimeOffset at)
    {
        await using var nats = new NatsConnection(new NatsOpts { Url = cluster.Servers });
        var ms = at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var ack = await new NatsJSContext(nats).PublishAsync("metrics_live.tick", System.Text.Encoding.ASCII.GetBytes(ms), opts: new NatsJSPubOpts { MsgId = $"tick:{ms}" });
        ack.EnsureSuccess();
    }

    private static bool CapturedBy(ServerProcess replica, DateTimeOffset hour) =>
        replica.Output.Contains($"live figures for {hour:yyyy-MM-ddTHH:mm:ss}", StringComparison.Ordinal);

    private static Task<long> RollUpsAsync(ServerProcess replica, DateTimeOffset hour) =>
        CountAsync(replica, "SELECT COUNT(*) FROM import_batch WHERE kind = 'live_rollup' AND source LIKE @To", ("@To", $"% to {hour:yyyy-MM-dd HH:mm}Z"));

    private static Task<long> CapturesAsync(ServerProcess replica, DateTimeOffset hour) =>
        CountAsync(replica, "SELECT COUNT(*) FROM live_capture WHERE captured_at_ms = @At", ("@At", hour.ToUnixTimeMilliseconds()));

    private static async Task<long> CountAsync(ServerProcess replica, string sql, (string Name, object Value) parameter)
    {
        await using var connection = new SqliteConnection($"Data Source={replica.DatabaseFile};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue(parameter.Name, parameter.Value);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
