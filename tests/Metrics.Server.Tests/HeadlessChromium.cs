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
    List<string> ExternalRequests);

/// <summary>A chart as drawn in the browser.</summary>
public sealed record RenderedChart(string Measure, double Width, double Height, int Points, int Special, bool HasLimits, bool HasProjection);

/// <summary>
/// Debian's Chromium, driven by playwright-core from Node. tests/run.sh installs both; run
/// directly, the test says what is missing rather than skipping.
/// </summary>
public static class HeadlessChromium
{
    /// <summary>Opens the page, waits until <paramref name="until"/> (a JS expression) holds if given, and reports what it shows.</summary>
    public static async Task<RenderedPage> RenderAsync(string url, string screenshot, string? until = null, TimeSpan? timeout = null)
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
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var error = node.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await node.WaitForExitAsync(guard.Token);
        if (node.ExitCode != 0)
        {
            throw new InvalidOperationException($"render-page.mjs exited {node.ExitCode}: {await error}");
        }

        return JsonSerializer.Deserialize<RenderedPage>(await output, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }
}
