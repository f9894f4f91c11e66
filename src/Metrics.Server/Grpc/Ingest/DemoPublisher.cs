using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Metrics.Domain.Operations;
using Metrics.Live.Simulation;
using Metrics.Server.History;
using Metrics.Server.Security;
using Microsoft.Extensions.Options;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc.Ingest;

/// <summary>The demo publisher (configuration section "Demo"): on in Development, off by default.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    public bool Enabled { get; set; }

    /// <summary>The same seed gives the same events, so a restart re-sends them and they are ignored as repeats.</summary>
    public int Seed { get; set; } = 2019;

    /// <summary>The force whose local policing areas the incidents and reports fall in, weighted by population.</summary>
    public string ForceCode { get; set; } = "west-mercia";

    /// <summary>
    /// The gRPC address the feed publishes to, through IngestService like any force system:
    /// empty for the server's own gRPC endpoint (Kestrel:Endpoints:Grpc:Url).
    /// </summary>
    public string Server { get; set; } = string.Empty;

    /// <summary>Where a client on this machine reaches an endpoint bound to any address (0.0.0.0, [::], *, +).</summary>
    public static string ServerAt(string? endpointUrl)
    {
        if (string.IsNullOrEmpty(endpointUrl))
        {
            return "http://localhost:5080";
        }

        var url = endpointUrl.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal);
        var uri = new UriBuilder(url);
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "localhost";
        }

        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>Hours of past events sent at start, so the wall shows a working day at once (they arrive late: open incidents count, closed windows do not).</summary>
    public int WarmHours { get; set; } = 72;
}

/// <summary>How the demo publisher reaches the server; tests give it the in-memory server.</summary>
public sealed class DemoChannel(Func<GrpcChannel> create)
{
    public GrpcChannel Create() => create();
}

/// <summary>
/// Publishes the demo scenario through the ingest RPC as the clock reaches each event's time,
/// once a second. Never a side door: the events take the path a force system's would.
/// </summary>
internal sealed partial class DemoPublisher(
    IOptions<DemoOptions> options,
    DemoChannel channel,
    TokenIssuer tokens,
    CatalogueLookup lookup,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<DemoPublisher> logger) : BackgroundService
{
    private const int BatchSize = 2000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled || !await Started(stoppingToken))
        {
            return;
        }

        var force = await lookup.ForceAsync(settings.ForceCode, stoppingToken);
        var scenario = new DemoScenario(settings.Seed, [.. force.LocalPolicingAreas.Select(a => (a.Code, (double)(a.Population ?? 1)))]);
        // A publisher like any force system, with a short token signed by the local key for each batch.
        var client = new V1.IngestService.IngestServiceClient(channel.Create().Intercept(metadata =>
        {
            metadata.Add("authorization", $"Bearer {tokens.Issue("demo-feed", [ForceRoles.Publisher], TimeSpan.FromMinutes(5))}");
            return metadata;
        }));
        var pending = new PriorityQueue<OperationalEvent, (DateTimeOffset, string)>();
        var now = clock.GetUtcNow();
        var nextHour = Hour(now).AddHours(-settings.WarmHours);
        Publishing(logger, settings.ForceCode, settings.WarmHours);
        while (!stoppingToken.IsCancellationRequested)
        {
            now = clock.GetUtcNow();
            for (; nextHour <= now; nextHour = nextHour.AddHours(1))
            {
                foreach (var e in scenario.ArrivalsInHour(nextHour))
                {
                    pending.Enqueue(e, (e.OccurredAt, e.EventId));
                }
            }

            var due = new List<V1.OperationalEvent>();
            while (pending.TryPeek(out var next, out _) && next.OccurredAt <= now)
            {
                due.Add(pending.Dequeue().ToContract());
            }

            try
            {
                foreach (var batch in due.Chunk(BatchSize))
                {
                    await client.PublishBatchAsync(new V1.PublishBatchRequest { Events = { batch } }, cancellationToken: stoppingToken);
                }
            }
            catch (RpcException e)
            {
                PublishFailed(logger, e.Status.Detail);
            }

            await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
        }
    }

    private static DateTimeOffset Hour(DateTimeOffset at) => new(at.UtcDateTime.Date.AddHours(at.UtcDateTime.Hour), TimeSpan.Zero);

    private async Task<bool> Started(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(started.SetResult);
        using var stopping = stoppingToken.Register(() => started.TrySetCanceled());
        try
        {
            await started.Task;
            return true;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Demo feed publishing for {Force}, starting {Hours} hours back")]
    private static partial void Publishing(ILogger logger, string force, int hours);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Demo feed could not publish: {Detail}")]
    private static partial void PublishFailed(ILogger logger, string detail);
}
