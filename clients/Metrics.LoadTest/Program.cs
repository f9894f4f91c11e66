using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Metrics.Contracts.V1;

// metrics-load <scenario> [--server URL] [--seconds N] [--warmup N] [--concurrency N] [--channels N] [--subscribers N]
// Scenarios: empty (a health check: the ceiling for a unary call), series, comparison, summary;
// fanout (N live subscribers, an event a second; METRICS_SERVER_PID for the server's memory).
// The bearer tokens come from METRICS_TOKEN (a viewer's) and METRICS_PUBLISHER_TOKEN.
var options = LoadOptions.Parse(args);
var token = Environment.GetEnvironmentVariable("METRICS_TOKEN");
GrpcChannel Channel(string? bearer) => GrpcChannel.ForAddress(options.Server, new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
    Credentials = string.IsNullOrEmpty(bearer)
        ? ChannelCredentials.Insecure
        : ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", $"Bearer {bearer}");
            return Task.CompletedTask;
        })),
    UnsafeUseInsecureChannelCallCredentials = true,
});

if (options.Scenario == "fanout")
{
    return await FanOut.RunAsync(options, () => Channel(token), Channel(Environment.GetEnvironmentVariable("METRICS_PUBLISHER_TOKEN")));
}

var channels = Enumerable.Range(0, options.Channels).Select(_ => Channel(token)).ToArray();
Func<GrpcChannel, Task> call = options.Scenario switch
{
    "empty" => async c => await new Health.HealthClient(c).CheckAsync(new HealthCheckRequest(), deadline: Deadline()),
    "series" => async c => await new MeasuresService.MeasuresServiceClient(c).GetSeriesAsync(
        new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "metropolitan-police" }, deadline: Deadline()),
    "comparison" => async c => await new MeasuresService.MeasuresServiceClient(c).GetAreaComparisonAsync(
        new GetAreaComparisonRequest { ForceCode = "west-mercia", Month = new YearMonth { Year = 2019, Month = 3 } }, deadline: Deadline()),
    "summary" => async c => await new AnalyticsService.AnalyticsServiceClient(c).GetPerformanceSummaryAsync(
        new GetPerformanceSummaryRequest { ForceCode = "west-mercia", Month = new YearMonth { Year = 2019, Month = 3 } }, deadline: Deadline()),
    _ => throw new ArgumentException($"unknown scenario '{options.Scenario}': empty, series, comparison, summary or fanout"),
};

await Run(TimeSpan.FromSeconds(options.WarmupSeconds), record: null);
var latencies = new List<double>[options.Concurrency];
var errors = 0;
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
var all = latencies.Where(l => l is not null).SelectMany(l => l).Order().ToArray();
double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"{options.Scenario,-11} {all.Length / elapsed,10:0} req/s   p50 {Percentile(0.50),7:0.00} ms   p99 {Percentile(0.99),7:0.00} ms   max {all.LastOrDefault(),8:0.00} ms   errors {errors}   ({options.Concurrency} in flight on {options.Channels} channels, {options.Seconds} s)"));
return errors == 0 ? 0 : 1;

DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);

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

internal sealed record LoadOptions(string Scenario, string Server, int Seconds, int WarmupSeconds, int Concurrency, int Channels, int Subscribers)
{
    public static LoadOptions Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        }

        int Number(string name, int fallback) => int.Parse(Value(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        return new LoadOptions(
            args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "empty",
            Value("--server", "http://localhost:5080"),
            Number("--seconds", 10),
            Number("--warmup", 3),
            Number("--concurrency", 64),
            Number("--channels", 4),
            Number("--subscribers", 2000));
    }
}
