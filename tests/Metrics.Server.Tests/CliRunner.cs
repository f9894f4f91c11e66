using Grpc.Net.Client;
using Metrics.Console;
using Metrics.Console.Commands;

namespace Metrics.Server.Tests;

/// <summary>Runs the console client in process against a channel, capturing what it prints (tests in the ConsoleCommands collection only).</summary>
internal static class CliRunner
{
    public static Task<(int Exit, string Output, string Error)> RunAsync(Func<string, GrpcChannel> channels, params string[] args) =>
        RunAsync(channels, new StringWriter(), default, args);

    /// <summary>Runs until the command ends or <paramref name="cancellationToken"/> stops it; <paramref name="output"/> can be read while it runs.</summary>
    public static async Task<(int Exit, string Output, string Error)> RunAsync(
        Func<string, GrpcChannel> channels, StringWriter output, CancellationToken cancellationToken, params string[] args)
    {
        ServerSettings.ChannelFactory = channels;
        var error = new StringWriter();
        var (originalOut, originalError) = (System.Console.Out, System.Console.Error);
        System.Console.SetOut(output);
        System.Console.SetError(error);
        try
        {
            var exit = await MetricsCli.RunAsync(args, cancellationToken);
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            System.Console.SetOut(originalOut);
            System.Console.SetError(originalError);
            ServerSettings.ChannelFactory = address => GrpcChannel.ForAddress(address);
        }
    }
}
