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
    /// <summary>
    /// Runs each scenario named (comma-separated) in turn, --rounds times: one warm client process
    /// for all of them, so that a ceiling and the path read against it alternate within seconds
    /// of each other on a machine whose other tenants move whole seconds.
    /// </summary>
    public static async Task<int> RunAsync(LoadOptions options, ServerFigures server, Func<GrpcChannel> channel)
    {
        var channels = Enumerable.Range(0, options.Channels).Select(_ => channel()).ToArray();
        var invokers = channels.Select(c => c.CreateCallInvoker()).ToArray();
        var headers = BearerHeaders();
        var paths = new List<(string Name, string Route, PreparedCall Call, int ResponseBytes)>();
        foreach (var name in options.Scenario.Split(','))
        {
            var (route, request, first) = Scenario(name, headers);
            var prepared = new PreparedCall(route, request, headers);

            // Parsed in full once: what every later response is checked against, by its size.
            var responseBytes = (await first(channels[0])).CalculateSize();
            await Run(prepared, responseBytes, TimeSpan.FromSeconds(options.WarmupSeconds), record: null);
            paths.Add((name, route, prepared, responseBytes));
        }

        var errors = 0;
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var path in paths)
            {
                errors += await Window(path.Name, path.Route, path.Call, path.ResponseBytes);
            }
        }

        return errors == 0 ? 0 : 1;

        async Task<int> Window(string name, string route, PreparedCall call, int responseBytes)
        {
            var latencies = new List<double>[options.Concurrency];
            var failures = 0;
            var before = await server.ScrapeAsync();
            var clientCpu = ClientCpu.Seconds;
            var clock = Stopwatch.StartNew();
            await Run(call, responseBytes, TimeSpan.FromSeconds(options.Seconds), record: (worker, milliseconds, failed) =>
            {
                (latencies[worker] ??= []).Add(milliseconds);
                if (failed)
                {
                    Interlocked.Increment(ref failures);
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
                ["errors"] = failures,
                ["concurrency"] = options.Concurrency,
                ["response_bytes"] = responseBytes,
                ["client_cpu_share"] = clientCpu / elapsed / Environment.ProcessorCount,
            };
            if (server.Enabled)
            {
                figures["server_rate"] = after.Increase(before, "http_server_request_duration_seconds_count", routeLabel) / elapsed;
                figures["server_p99_ms"] = after.QuantileBound("http_server_request_duration_seconds", 0.99, before, routeLabel) * 1000;
                figures["server_cpu_share"] = after.Increase(before, "dotnet_process_cpu_time_seconds_total") / elapsed / Environment.ProcessorCount;
            }

            Results.Record(options.ResultsFile, name, figures);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{name,-11} {figures["rate"],10:0} req/s   p50 {figures["p50_ms"],7:0.00} ms   p99 {figures["p99_ms"],7:0.00} ms   max {figures["max_ms"],8:0.00} ms   errors {failures}   ({responseBytes:N0} bytes a response, {options.Concurrency} in flight on {channels.Length} channels, {options.Seconds} s)"));
            if (server.Enabled)
            {
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{"",-11} server: {figures["server_rate"],10:0} req/s   p99 <= {figures["server_p99_ms"]:0.#} ms   CPU {figures["server_cpu_share"]:P0} (client {figures["client_cpu_share"]:P0}) of {Environment.ProcessorCount} cores"));
            }

            return failures;
        }

        async Task Run(PreparedCall call, int responseBytes, TimeSpan length, Action<int, double, bool>? record)
        {
            var stop = DateTime.UtcNow + length;
            await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async worker =>
            {
                var invoker = invokers[worker % invokers.Length];
                while (DateTime.UtcNow < stop)
                {
                    var started = Stopwatch.GetTimestamp();
                    var failed = false;
                    try
                    {
                        failed = await call.CallAsync(invoker) != responseBytes;
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

    /// <summary>Each scenario's route and request, and a first call through the generated client that parses its response.</summary>
    private static (string Route, IMessage Request, Func<GrpcChannel, Task<IMessage>> First) Scenario(string name, Metadata headers) => name switch
    {
        "empty" => Unary(
            "/grpc.health.v1.Health/Check",
            new HealthCheckRequest { Service = Protocol.LivenessHealthService },
            (c, r) => new Health.HealthClient(c).CheckAsync(r, headers)),
        "series" => Unary(
            "/metrics.v1.MeasuresService/GetSeries",
            new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "metropolitan-police" },
            (c, r) => new MeasuresService.MeasuresServiceClient(c).GetSeriesAsync(r, headers)),
        "comparison" => Unary(
            "/metrics.v1.MeasuresService/GetAreaComparison",
            new GetAreaComparisonRequest { ForceCode = "west-mercia", Month = new YearMonth { Year = 2019, Month = 3 } },
            (c, r) => new MeasuresService.MeasuresServiceClient(c).GetAreaComparisonAsync(r, headers)),
        "summary" => Unary(
            "/metrics.v1.AnalyticsService/GetPerformanceSummary",
            new GetPerformanceSummaryRequest { ForceCode = "west-mercia", Month = new YearMonth { Year = 2019, Month = 3 } },
            (c, r) => new AnalyticsService.AnalyticsServiceClient(c).GetPerformanceSummaryAsync(r, headers)),
        _ => throw new ArgumentException($"unknown scenario '{name}': empty, series, comparison, summary, fanout, rest or table"),
    };

    private static (string, IMessage, Func<GrpcChannel, Task<IMessage>>) Unary<TRequest, TResponse>(
        string route, TRequest request, Func<GrpcChannel, TRequest, AsyncUnaryCall<TResponse>> call)
        where TRequest : IMessage
        where TResponse : IMessage =>
        (route, request, async channel => await call(channel, request));
}
