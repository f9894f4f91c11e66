using Grpc.Net.Client;
using Metrics.Console;
using Metrics.Console.Commands;
using Spectre.Console;

namespace Metrics.Server.Tests;

/// <summary>Runs the console client in process against a channel, capturing what it prints (tests in the ConsoleCommands collection only).</summary>
internal static class CliRunner
{
    public static Task<(int Exit, string Output, string Error)> RunAsync(Func<string, GrpcChannel> channels, params string[] args) =>
        RunAsync(channels, new StringWriter(), default, args);

    /// <summary>As in a terminal <paramref name="width"/> columns wide (80: the narrowest a user is expected to have).</summary>
    public static Task<(int Exit, string Output, string Error)> RunAtWidthAsync(Func<string, GrpcChannel> channels, int width, params string[] args) =>
        RunAsync(channels, new StringWriter(), default, width, args);

    /// <summary>Runs until the command ends or <paramref name="cancellationToken"/> stops it; <paramref name="output"/> can be read while it runs.</summary>
    public static Task<(int Exit, string Output, string Error)> RunAsync(
        Func<string, GrpcChannel> channels, StringWriter output, CancellationToken cancellationToken, params string[] args) =>
        RunAsync(channels, output, cancellationToken, 250, args);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(
        Func<string, GrpcChannel> channels, StringWriter output, CancellationToken cancellationToken, int width, string[] args)
    {
        ServerSettings.ChannelFactory = channels;
        var error = new StringWriter();
        var (originalOut, originalError, originalConsole) = (System.Console.Out, System.Console.Error, AnsiConsole.Console);
        System.Console.SetOut(output);
        System.Console.SetError(error);

        // Spectre's console keeps the writer it was first made with: this run's, wide enough that tables do not wrap.
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = width;
        AnsiConsole.Console = console;
        try
        {
            var exit = await MetricsCli.RunAsync(args, cancellationToken);
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            System.Console.SetOut(originalOut);
            System.Console.SetError(originalError);
            AnsiConsole.Console = originalConsole;
            ServerSettings.ChannelFactory = address => GrpcChannel.ForAddress(address);
        }
    }
}
