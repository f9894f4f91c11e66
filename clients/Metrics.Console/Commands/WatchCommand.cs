using System.ComponentModel;
using Grpc.Core;
using Metrics.Console.Watch;
using Metrics.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Metrics.Console.Commands;

/// <summary>
/// metrics watch: a terminal wallboard of the live feed that redraws in place, shows how old its
/// data is, and reconnects with resume when the server restarts. With --json (or when output
/// is not a terminal) it prints each message as a line of JSON instead.
/// </summary>
public sealed class WatchCommand : AsyncCommand<WatchCommand.Settings>
{
    public sealed class Settings : ServerSettings
    {
        [CommandOption("--areas <CODES>")]
        [Description("Areas to show, comma-separated, e.g. shropshire,telford-and-wrekin. Default: all")]
        public string Areas { get; init; } = "";

        [CommandOption("--feeds <FEEDS>")]
        [Description("calls, incidents, intelligence, alerts; comma-separated. Default: all")]
        public string Feeds { get; init; } = "";

        [CommandOption("--stale <SECONDS>")]
        [Description("Say the data is stale after this long without a message. Default: 15")]
        public int StaleSeconds { get; init; } = 15;

        [CommandOption("--messages <N>")]
        [Description("Stop after N messages (for scripts). Default: run until Ctrl-C")]
        public int Messages { get; init; }

        public override ValidationResult Validate() =>
            Feeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(f => f is "calls" or "incidents" or "intelligence" or "alerts")
                ? ValidationResult.Success()
                : ValidationResult.Error("--feeds takes calls, incidents, intelligence and alerts");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var board = new Wallboard(settings.StaleSeconds);
        if (settings.Json || System.Console.IsOutputRedirected)
        {
            var formatter = new Google.Protobuf.JsonFormatter(Google.Protobuf.JsonFormatter.Settings.Default);
            await FollowAsync(settings, board, m => System.Console.Out.WriteLine(formatter.Format(m)), () => { }, cancellationToken);
            return 0;
        }

        board.AreaNames = await AreaNamesAsync(settings, cancellationToken);
        await AnsiConsole.Live(board.Render(DateTimeOffset.Now)).AutoClear(false).StartAsync(async live =>
        {
            using var redraw = new CancellationTokenSource();
            var ticking = Task.Run(
                async () =>
                {
                    // Redraw every second so the age of the data (and a stale warning) keeps up without messages.
                    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                    while (await timer.WaitForNextTickAsync(redraw.Token).ConfigureAwait(false))
                    {
                        live.UpdateTarget(board.Render(DateTimeOffset.Now));
                    }
                },
                redraw.Token);
            try
            {
                await FollowAsync(settings, board, _ => live.UpdateTarget(board.Render(DateTimeOffset.Now)), () => live.UpdateTarget(board.Render(DateTimeOffset.Now)), cancellationToken);
            }
            finally
            {
                await redraw.CancelAsync();
                await ticking.ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
        return 0;
    }

    /// <summary>The areas' names, as the wall shows them; codes (an empty list) if the catalogue cannot be read now.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> AreaNamesAsync(Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var areas = await CataloguePages.AllAreasAsync(settings.Measures(), new ListAreasRequest(), settings.Deadline(10), cancellationToken);
            return areas.Areas.ToDictionary(a => a.Code, a => a.Name, StringComparer.Ordinal);
        }
        catch (Grpc.Core.RpcException)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }
    }

    /// <summary>Follows the feed while renewing the viewer token, as the wall does, so that a terminal wallboard runs for weeks.</summary>
    private static async Task FollowAsync(Settings settings, Wallboard board, Action<SubscribeResponse> shown, Action stateChanged, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = ViewerTokenRenewals.RenewForeverAsync(settings, stop.Token);
        try
        {
            await SubscribeForeverAsync(settings, board, shown, stateChanged, cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await renewing;
        }
    }

    /// <summary>Subscribes, and after any break resumes from the last sequence (waiting 1, 2, 4, 8, then 10 s).</summary>
    private static async Task SubscribeForeverAsync(Settings settings, Wallboard board, Action<SubscribeResponse> shown, Action stateChanged, CancellationToken cancellationToken)
    {
        var client = settings.Live();
        var received = 0;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var opening = settings.CurrentToken;
            var request = new SubscribeRequest();
            request.AreaCodes.Add(settings.Areas.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            request.Feeds.Add(settings.Feeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Feed));
            request.ResumeToken = board.ResumeToken;

            try
            {
                board.Connection = "connecting";
                stateChanged();
                using var call = client.Subscribe(request, cancellationToken: cancellationToken);
                await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    failures = 0;
                    board.Connection = "live";
                    board.Apply(message, DateTimeOffset.Now);
                    shown(message);
                    if (settings.Messages > 0 && ++received >= settings.Messages)
                    {
                        return;
                    }
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated && settings.CurrentToken != opening && !cancellationToken.IsCancellationRequested)
            {
                // The stream ended with the token that opened it, and a renewed one is at hand: on at once.
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown or StatusCode.ResourceExhausted && !cancellationToken.IsCancellationRequested)
            {
                failures++;
                var wait = TimeSpan.FromSeconds(Math.Min(10, Math.Pow(2, failures - 1)));
                board.Connection = $"reconnecting in {wait.TotalSeconds:0} s ({e.StatusCode})";
                stateChanged();
                await Task.Delay(wait, cancellationToken);
            }
        }
    }

    private static LiveFeed Feed(string name) => name switch
    {
        "calls" => LiveFeed.Calls,
        "incidents" => LiveFeed.Incidents,
        "intelligence" => LiveFeed.Intelligence,
        _ => LiveFeed.Alerts,
    };
}
