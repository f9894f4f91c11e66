using System.ComponentModel;
using Grpc.Core;
using Grpc.Core.Interceptors;
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

    [CommandOption("--token <JWT>")]
    [Description("Bearer token for the server (a viewer's reads; an admin's imports). Default: METRICS_TOKEN")]
    public string? Token { get; init; } = Environment.GetEnvironmentVariable("METRICS_TOKEN");

    [CommandOption("--timeout <SECONDS>")]
    [Description("Deadline of each call, in seconds. Default: 30 (imports: 600)")]
    public int? TimeoutSeconds { get; init; }

    [CommandOption("--json")]
    [Description("Print the response as JSON, for scripts")]
    public bool Json { get; init; }

    public DateTime Deadline(int defaultSeconds) => DateTime.UtcNow.AddSeconds(TimeoutSeconds ?? defaultSeconds);

    /// <summary>Lets tests point the commands at an in-memory server.</summary>
    public static Func<string, GrpcChannel> ChannelFactory { get; set; } = address => GrpcChannel.ForAddress(address);

    public MeasuresService.MeasuresServiceClient Measures() => new(Calls());

    public AnalyticsService.AnalyticsServiceClient Analytics() => new(Calls());

    public LiveService.LiveServiceClient Live() => new(Calls());

    private string? _renewed;

    /// <summary>The token calls carry now: the one given, or the one a long-running command renewed it to.</summary>
    public string? CurrentToken => _renewed ?? Token?.Trim();

    /// <summary>From now on calls carry this token (metrics watch renews its viewer token as the wall does).</summary>
    public void UseRenewedToken(string token) => _renewed = token;

    /// <summary>The server's calls, each with the bearer token when there is one (read at each call, so a renewal takes effect).</summary>
    private CallInvoker Calls()
    {
        var channel = ChannelFactory(Server);
        return string.IsNullOrWhiteSpace(Token)
            ? channel.CreateCallInvoker()
            : channel.Intercept(metadata =>
            {
                metadata.Add("authorization", $"Bearer {CurrentToken}");
                return metadata;
            });
    }
}
