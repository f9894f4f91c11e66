using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;

// metrics-load <scenario> [--server URL] [--metrics URL] [--results FILE] [--seconds N] [--warmup N]
//                         [--concurrency N] [--channels N] [--rounds N] [--subscribers N]
// Scenarios: empty (a health check: the ceiling for a unary call), series, comparison, summary,
// or several comma-separated ("empty,series"), run in turn --rounds times by one warm client;
// fanout (N live subscribers, an event a second); rest (the server left alone for --seconds);
// failover (N walls and a publisher at --rate events/s through the balancer at --server while
// bench/failover.sh kills replicas under it; --replicas and --replica-metrics name each replica's
// gRPC address and scrape, --database the historical store, --ready-file is written once the
// walls are subscribed);
// table (prints every path against its ceiling and floor from --results and --benchmarks DIR).
// --metrics: the server's Prometheus scrape, for the figures the server measured itself.
// The bearer tokens come from METRICS_TOKEN (a viewer's) and METRICS_PUBLISHER_TOKEN.
var options = LoadOptions.Parse(args);
if (options.Scenario == "table")
{
    return FloorTable.Print(options.ResultsFile ?? "", options.BenchmarksDirectory ?? "");
}

var server = new ServerFigures(options.MetricsUrl);
var token = Environment.GetEnvironmentVariable("METRICS_TOKEN");
GrpcChannel Channel(string? bearer) => ChannelTo(options.Server, bearer);
GrpcChannel ChannelTo(string address, string? bearer) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
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

return options.Scenario switch
{
    "fanout" => await FanOut.RunAsync(options, server, () => Channel(token), Channel(Environment.GetEnvironmentVariable("METRICS_PUBLISHER_TOKEN"))),
    "rest" => await AtRest.RunAsync(options, server),
    "failover" => await Failover.RunAsync(options, address => ChannelTo(address, token), address => ChannelTo(address, Environment.GetEnvironmentVariable("METRICS_PUBLISHER_TOKEN"))),
    _ => await UnaryLoad.RunAsync(options, server, () => Channel(null)),
};

internal sealed record LoadOptions(
    string Scenario, string Server, string? MetricsUrl, string? ResultsFile, string? BenchmarksDirectory,
    int Seconds, int WarmupSeconds, int Concurrency, int Channels, int Rounds, int Subscribers)
{
    public IReadOnlyList<string> Replicas { get; init; } = [];

    public IReadOnlyList<string> ReplicaMetrics { get; init; } = [];

    public string? Database { get; init; }

    public int Rate { get; init; } = 100;

    public string? ReadyFile { get; init; }

    public static LoadOptions Parse(string[] args)
    {
        string? Value(string name)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        }

        int Number(string name, int fallback) => Value(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

        return new LoadOptions(
            args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "empty",
            Value("--server") ?? "http://localhost:5080",
            Value("--metrics"),
            Value("--results"),
            Value("--benchmarks"),
            Number("--seconds", 10),
            Number("--warmup", 3),
            Number("--concurrency", 64),
            Number("--channels", 4),
            Number("--rounds", 1),
            Number("--subscribers", 2000))
        {
            Replicas = Value("--replicas")?.Split(',') ?? [],
            ReplicaMetrics = Value("--replica-metrics")?.Split(',') ?? [],
            Database = Value("--database"),
            Rate = Number("--rate", 100),
            ReadyFile = Value("--ready-file"),
        };
    }
}

/// <summary>Latencies in milliseconds, sorted once.</summary>
internal sealed class Latencies(IEnumerable<double> milliseconds)
{
    private readonly double[] _sorted = [.. milliseconds.Order()];

    public int Count => _sorted.Length;

    public double Min => _sorted.Length == 0 ? double.NaN : _sorted[0];

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];

    public double Percentile(double p) => _sorted.Length == 0 ? double.NaN : _sorted[Math.Min(_sorted.Length - 1, (int)Math.Ceiling(p * _sorted.Length) - 1)];
}

/// <summary>CPU time of this process, to show what the load client itself costs.</summary>
internal static class ClientCpu
{
    public static double Seconds => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
}

/// <summary>
/// The fan-out client holds its own garbage collection off through the timed window: 2,000
/// displays are 2,000 machines, and this one process standing in for them paused 50-270 ms to
/// collect, which the latencies would have charged to the server.
/// </summary>
internal static class ClientCollections
{
    public static bool PauseFor(int seconds)
    {
        try
        {
            return GC.TryStartNoGCRegion(Math.Min(seconds, 30) * 32L * 1024 * 1024);
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    public static void Resume(bool paused)
    {
        if (paused && System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
        {
            GC.EndNoGCRegion();
        }
    }
}
