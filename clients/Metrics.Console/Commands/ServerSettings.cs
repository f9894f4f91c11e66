using System.ComponentModel;
using Grpc.Net.Client;
using Metrics.Contracts.V1;
using Spectre.Console.Cli;

namespace Metrics.Console.Commands;

/// <summary>Options every command takes: where the server is and how long a call may take.</summary>
public class ServerSettings : CommandSettings
{
    public const string DefaultServer = "http://localhost:5080";

    [CommandOption("--server <URL>")]
    [Description("The server's gRPC address. Default: " + DefaultServer)]
    public string Server { get; init; } = Environment.GetEnvironmentVariable("METRICS_SERVER") ?? DefaultServer;

    [CommandOption("--timeout <SECONDS>")]
    [Description("Deadline of each call, in seconds. Default: 30 (imports: 600)")]
    public int? TimeoutSeconds { get; init; }

    [CommandOption("--json")]
    [Description("Print the response as JSON, for scripts")]
    public bool Json { get; init; }

    public DateTime Deadline(int defaultSeconds) => DateTime.UtcNow.AddSeconds(TimeoutSeconds ?? defaultSeconds);

    /// <summary>Lets tests point the commands at an in-memory server.</summary>
    public static Func<string, GrpcChannel> ChannelFactory { get; set; } = address => GrpcChannel.ForAddress(address);

    public MeasuresService.MeasuresServiceClient Measures() => new(ChannelFactory(Server));

    public AnalyticsService.AnalyticsServiceClient Analytics() => new(ChannelFactory(Server));
}
