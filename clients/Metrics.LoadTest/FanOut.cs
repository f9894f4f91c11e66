using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Metrics.Contracts.V1;

/// <summary>
/// Fan-out: N subscribers to one area's incidents; once a second an incident is opened there and
/// the time from publishing it to each subscriber receiving the figure it changed is recorded.
/// The ceiling is the same with one subscriber.
/// </summary>
internal static class FanOut
{
    private const string Area = "telford-and-wrekin";
    private const string Key = "unresourced/telford-and-wrekin/emergency";

    public static async Task<int> RunAsync(LoadOptions options, Func<GrpcChannel> channel, GrpcChannel publishing)
    {
        var subscribers = options.Subscribers;
        var channels = Enumerable.Range(0, Math.Max(1, subscribers / 90)).Select(_ => channel()).ToArray();
        using var stop = new CancellationTokenSource();
        var published = new ConcurrentDictionary<int, long>(); // count of open incidents after the event → when it was sent
        var latencies = new ConcurrentBag<double>();
        var ready = new CountdownEvent(subscribers);

        var readers = Enumerable.Range(0, subscribers).Select(i => Task.Run(async () =>
        {
            var live = new LiveService.LiveServiceClient(channels[i % channels.Length]);
            using var call = live.Subscribe(new SubscribeRequest { Feeds = { LiveFeed.Incidents }, AreaCodes = { Area } }, cancellationToken: stop.Token);
            var first = true;
            var lastCount = -1;
            try
            {
                await foreach (var message in call.ResponseStream.ReadAllAsync(stop.Token))
                {
                    if (first)
                    {
                        first = false;
                        ready.Signal();
                        continue;
                    }

                    // The figure also changes every second as the oldest incident ages: count each new count once.
                    var figure = message.Update?.Figures.FirstOrDefault(f => f.Key == Key);
                    if (figure is not null && figure.Unresourced.Count != lastCount && published.TryGetValue(figure.Unresourced.Count, out var sentAt))
                    {
                        lastCount = figure.Unresourced.Count;
                        latencies.Add(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
                    }
                }
            }
            catch (RpcException) when (stop.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException)
            {
            }
        })).ToArray();

        ready.Wait(TimeSpan.FromSeconds(60));
        var idleAt = Environment.GetEnvironmentVariable("METRICS_SERVER_PID") is { } pid ? WorkingSetMegabytes(pid) : double.NaN;
        var publisher = new IngestService.IngestServiceClient(publishing);
        var baseline = (await new LiveService.LiveServiceClient(channels[0]).GetSnapshotAsync(new GetSnapshotRequest { Feeds = { LiveFeed.Incidents }, AreaCodes = { Area } }))
            .Figures.FirstOrDefault(f => f.Key == Key)?.Unresourced.Count ?? 0;
        var run = Guid.NewGuid().ToString("N")[..8];
        var serverPid = Environment.GetEnvironmentVariable("METRICS_SERVER_PID");
        var serverCpuBefore = serverPid is null ? double.NaN : CpuMilliseconds(serverPid);
        var clientCpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
        for (var second = 1; second <= options.Seconds; second++)
        {
            published[baseline + second] = Stopwatch.GetTimestamp();
            await publisher.PublishBatchAsync(
                new PublishBatchRequest
                {
                    Events =
                    {
                        new OperationalEvent
                        {
                            EventId = $"fanout-{run}-{second}",
                            OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                            IncidentOpened = new IncidentOpened { IncidentId = $"fanout-{run}-{second}", AreaCode = Area, Grade = IncidentGrade.Emergency },
                        },
                    },
                });
            await Task.Delay(1000);
        }

        await Task.Delay(2000);
        var serverCpu = (serverPid is null ? double.NaN : CpuMilliseconds(serverPid)) - serverCpuBefore;
        var clientCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds - clientCpuBefore;
        Console.WriteLine($"cpu per event: server {serverCpu / options.Seconds:0.0} ms, client {clientCpu / options.Seconds:0.0} ms");
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        var all = latencies.Order().ToArray();
        var expected = (long)subscribers * options.Seconds;
        double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"fanout      {subscribers,6} subscribers   p50 {Percentile(0.50),7:0.0} ms   p99 {Percentile(0.99),7:0.0} ms   max {all.LastOrDefault(),8:0.0} ms   received {all.Length}/{expected}   server {idleAt:0} MB with them idle   ({options.Seconds} events, one a second)"));
        return all.Length >= expected ? 0 : 1;
    }

    private static double CpuMilliseconds(string pid)
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    private static double WorkingSetMegabytes(string pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}
