using System.Diagnostics;
using System.Text.Json;

namespace Metrics.Server.Tests;

/// <summary>What headless Chromium saw on a page (see tests/browser/render-page.mjs).</summary>
public sealed record RenderedPage(string Title, List<RenderedChart> Charts, int SummaryRows, List<string> Errors, List<string> ExternalRequests);

/// <summary>A chart as drawn in the browser.</summary>
public sealed record RenderedChart(string Measure, double Width, double Height, int Points, int Special, bool HasLimits, bool HasProjection);

/// <summary>
/// Debian's Chromium, driven by playwright-core from Node. tests/run.sh installs both; run
/// directly, the test says what is missing rather than skipping.
/// </summary>
public static class HeadlessChromium
{
    public static async Task<RenderedPage> RenderAsync(string url, string screenshot)
    {
        var root = RepositoryFolders.Root;
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium) || !Directory.Exists(Path.Combine(root, "node_modules", "playwright-core")))
        {
            throw new InvalidOperationException(
                $"Browser tests need Chromium at {chromium} and playwright-core in node_modules: run `bash tests/run.sh`, which installs both.");
        }

        var start = new ProcessStartInfo("node", [Path.Combine(root, "tests", "browser", "render-page.mjs"), url, screenshot])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var error = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await node.WaitForExitAsync(timeout.Token);
        if (node.ExitCode != 0)
        {
            throw new InvalidOperationException($"render-page.mjs exited {node.ExitCode}: {await error}");
        }

        return JsonSerializer.Deserialize<RenderedPage>(await output, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }
}
