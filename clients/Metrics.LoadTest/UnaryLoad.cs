using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Metrics.Contracts.V1;

/// <summary>
/// Unary calls from many workers on several channels: a warm-up, then a timed window. Reports
/// requests/s and latency as the client saw them, and the server's own p99 (its request duration
/// histogram) and CPU over the same window. The ceiling ("empty") is the liveness health check:
/// the default health check reads the database, which made an earlier ceiling a third too low.
/// </summary>
internal static class UnaryLoad
{
    public static async Task<int> RunAsync(LoadOptions options, ServerFigures server, Func<GrpcChannel> channel)
    {
        var channels = Enumerable.Range(0, options.Channels).Select(_ => channel()).ToArray();
        var (route, call) = Scenario(options.Scenario, BearerHeaders());

        var responseBytes = (await call(channels[0])).CalculateSize();
        await Run(TimeSpan.FromSeconds(options.WarmupSeconds), record: null);
        var latencies = new List<double>[options.Concurrency];
        var errors = 0;
        var before = await server.ScrapeAsync();
        var clientCpu = ClientCpu.Seconds;
        var clock = Stopwatch.StartNew();
        await Run(TimeSpan.FromSeconds(options.Seconds), record: (worker, milliseconds, failed) =>
        {
            (latencies[worker] ??= []).Add(milliseconds);
            if (failed)
            {
                Interlocked.Increment(ref errors);
            }
        });
        var elapsed = clock.Elapsed.TotalSeconds;
        clientCpu = ClientCpu.Seconds - clientCpu;
        var after = await server.ScrapeAsync();

        var all = new Latencies(latencies.Where(l => l is not null).SelectMany(l => l));
        var routeLabel = ("http_route", route);
        var figures = new Dictionary<string, double>
        {
            ["rate"] = all.Count / elapsed,
            ["p50_ms"] = all.Percentile(0.50),
            ["p99_ms"] = all.Percentile(0.99),
            ["max_ms"] = all.Max,
            ["errors"] = errors,
            ["concurrency"] = options.Concurrency,
            ["response_bytes"] = responseBytes,
            ["client_cpu_share"] = clientCpu / elapsed / Environment.ProcessorCount,
        };
        if (server.Enabled)
        {
            figures["server_rate"] = (after.Sum("http_server_request_duration_seconds_count", routeLabel) - before.Sum("http_server_request_duration_seconds_count", routeLabel)) / elapsed;
            figures["server_p99_ms"] = after.QuantileBound("http_server_request_duration_seconds", 0.99, before, routeLabel) * 1000;
            figures["server_cpu_share"] = (after.Sum("dotnet_process_cpu_time_seconds_total") - before.Sum("dotnet_process_cpu_time_seconds_total")) / elapsed / Environment.ProcessorCount;
        }

        Results.Record(options.ResultsFile, options.Scenario, figures);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{options.Scenario,-11} {figures["rate"],10:0} req/s   p50 {figures["p50_ms"],7:0.00} ms   p99 {figures["p99_ms"],7:0.00} ms   max {figures["max_ms"],8:0.00} ms   errors {errors}   ({responseBytes:N0} bytes a response, {options.Concurrency} in flight on {channels.Length} channels, {options.Seconds} s)"));
        if (server.Enabled)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{"",-11} server: {figures["server_rate"],10:0} req/s   p99 <= {figures["server_p99_ms"]:0.#} ms   CPU {figures["server_cpu_share"]:P0} (client {figures["client_cpu_share"]:P0}) of {Environment.ProcessorCount} cores"));
        }

        return errors == 0 ? 0 : 1;

        async Task Run(TimeSpan length, Action<int, double, bool>? record)
        {
            var stop = DateTime.UtcNow + length;
            await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async worker =>
            {
                var channel = channels[worker % channels.Length];
                while (DateTime.UtcNow < stop)
                {
                    var started = Stopwatch.GetTimestamp();
                    var failed = false;
                    try
                    {
                        await call(channel);
                    }
                    catch (RpcException)
                    {
                        failed = true;
                    }

                    record?.Invoke(worker, Stopwatch.GetElapsedTime(started).TotalMilliseconds, failed);
                }
            }));
        }
    }

    /// <summary>
    /// The viewer's token as a header on each call: the load client's own cost per call is kept
    /// low (no credentials callback, no deadline timer), since it shares the cores it measures.
    /// </summary>
    private static Metadata BearerHeaders() =>
        Environment.GetEnvironmentVariable("METRICS_TOKEN") is { Length: > 0 } token ? new Metadata { { "authorization", $"Bearer {token}" } } : [];

    private static (string Route, Func<GrpcChannel, Task<IMessage>> Call) Scenario(string name, Metadata headers) => name switch
    {
        "empty" => ("/grpc.health.v1.Health/Check", async c => (IMessage)await new Health.HealthClient(c).CheckAsync(new HealthCheckRequest { Service = Protocol.LivenessHealthService }, headers)),
        "series" => ("/metrics.v1.MeasuresService/GetSeries", async c => (IMessage)await new MeasuresService.MeasuresServiceClient(c).GetSeriesAsync(
            new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "metropolitan-police" }, headers)),
        "comparison" => ("/metrics.v1.MeasuresService/GetAreaComparison", async c => (IMessage)await new MeasuresService.MeasuresServiceClient(c).GetAreaComparisonAsync(
            new GetAreaComparisonRequest { ForceCode = "west-mercia", Month = new YearMonth { Year = 2019, Month = 3 } }, headers)),
        "summary" => ("/metrics.v1.AnalyticsService/GetPerformanceSummary", async c => (IMessage)await new AnalyticsService.AnalyticsServiceClient(c).GetPerformanceSummaryAsync(
            new GetPerformanceSummaryRequest { ForceCode = "west-mercia", Month = new YearMonth { Year = 2019, Month = 3 } }, headers)),
        _ => throw new ArgumentException($"unknown scenario '{name}': empty, series, comparison, summary, fanout, rest or table"),
    };

}
