using System.Diagnostics;
using System.Text.Json;

namespace Metrics.Server.Tests;

/// <summary>What headless Chromium saw on a page (see tests/browser/render-page.mjs).</summary>
public sealed record RenderedPage(
    string Title,
    List<RenderedChart> Charts,
    int SummaryRows,
    Dictionary<string, string> Figures,
    Dictionary<string, string> Rags,
    List<string> Alerts,
    string Stale,
    string Status,
    bool Waited,
    List<string> Errors,
    List<string> ExternalRequests,
    Dictionary<string, string> Dataset,
    PageLayout Layout);

/// <summary>How the page sits on its screen: whether it scrolls, which tiles are not wholly visible, what it names.</summary>
public sealed record PageLayout(
    double ScrollWidth,
    double ScrollHeight,
    double InnerWidth,
    double InnerHeight,
    List<string> Clipped,
    int Tiles,
    double SmallestTextPx,
    double Fit,
    bool Dense,
    string Scope,
    List<string> AreaNames,
    Dictionary<string, string> Judged,
    List<string> CallScopes,
    string Header)
{
    public bool Scrolls => ScrollHeight > InnerHeight || ScrollWidth > InnerWidth;
}

/// <summary>A chart as drawn in the browser.</summary>
public sealed record RenderedChart(string Measure, double Width, double Height, int Points, int Special, bool HasLimits, bool HasProjection);

/// <summary>
/// Debian's Chromium, driven by playwright-core from Node. tests/run.sh installs both; run
/// directly, the test says what is missing rather than skipping.
/// </summary>
public static class HeadlessChromium
{
    /// <summary>Opens the page, waits until <paramref name="until"/> (a JS expression) holds if given, and reports what it shows.</summary>
    public static Task<RenderedPage> RenderAsync(string url, string screenshot, string? until = null, TimeSpan? timeout = null) =>
        Open(url, screenshot, until, timeout).Result;

    /// <summary>As <see cref="RenderAsync"/> on a screen of <paramref name="width"/> × <paramref name="height"/> CSS pixels.</summary>
    public static Task<RenderedPage> RenderOnScreenAsync(string url, string screenshot, int width, int height, string until, TimeSpan timeout) =>
        RunAsync(url, screenshot, until, timeout, [], [], $"{width}x{height}");

    /// <summary>
    /// As <see cref="RenderAsync"/>, and each of <paramref name="signals"/> (JS expressions, in
    /// turn) completes its task the moment the page shows it: a test acts then, not after a sleep.
    /// </summary>
    public static OpenPage Open(string url, string screenshot, string? until = null, TimeSpan? timeout = null, params string[] signals)
    {
        var seen = signals.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        return new OpenPage([.. seen.Select(s => s.Task)], RunAsync(url, screenshot, until, timeout, signals, seen, viewport: null));
    }

    private static async Task<RenderedPage> RunAsync(string url, string screenshot, string? until, TimeSpan? timeout, string[] signals, TaskCompletionSource[] seen, string? viewport)
    {
        var root = RepositoryFolders.Root;
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium) || !Directory.Exists(Path.Combine(root, "node_modules", "playwright-core")))
        {
            throw new InvalidOperationException(
                $"Browser tests need Chromium at {chromium} and playwright-core in node_modules: run `bash tests/run.sh`, which installs both.");
        }

        string[] arguments = until is null
            ? [Path.Combine(root, "tests", "browser", "render-page.mjs"), url, screenshot]
            : [Path.Combine(root, "tests", "browser", "render-page.mjs"), url, screenshot, until, ((int)(timeout ?? TimeSpan.FromSeconds(30)).TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)];
        var start = new ProcessStartInfo("node", arguments)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PAGE_SIGNALS"] = JsonSerializer.Serialize(signals);
        if (viewport is not null)
        {
            start.Environment["PAGE_VIEWPORT"] = viewport;
        }
        using var node = Process.Start(start)!;
        var error = node.StandardError.ReadToEndAsync();
        string? result = null;
        try
        {
            while (await node.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("signal ", StringComparison.Ordinal))
                {
                    seen[int.Parse(line["signal ".Length..], System.Globalization.CultureInfo.InvariantCulture)].TrySetResult();
                }
                else if (line.StartsWith('{'))
                {
                    result = line;
                }
            }

            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await node.WaitForExitAsync(guard.Token);
            if (node.ExitCode != 0 || result is null)
            {
                throw new InvalidOperationException($"render-page.mjs exited {node.ExitCode}: {await error}");
            }

            return JsonSerializer.Deserialize<RenderedPage>(result, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        }
        finally
        {
            // A signal the page never showed: whoever waits on it learns so, not hangs.
            foreach (var signal in seen)
            {
                signal.TrySetException(new TimeoutException("the page never showed it"));
            }
        }
    }
}

/// <summary>A page being rendered: a task per signal, completed when the page shows it, and the result once rendering ends.</summary>
public sealed record OpenPage(IReadOnlyList<Task> Signals, Task<RenderedPage> Result);
