using System.Diagnostics;

namespace Metrics.Server.Tests;

/// <summary>A client in another language (Node, @grpc/grpc-js, the .proto files) against the real server.</summary>
public sealed class NodeClientTests
{
    [Fact]
    public async Task TheNodeClientReadsHistoryAndFollowsTheLiveFeed()
    {
        // A caller may publish 2 events a second in bursts of 6: the client's second batch, straight
        // after a first of 6, is refused with the delay to wait (about a second), and taken after it.
        await using var server = await ServerProcess.StartAsync(("Limits:IngestEventsPerSecond", "2"), ("Limits:IngestBurst", "6"));
        var root = RepositoryFolders.Root;
        var start = new ProcessStartInfo("node", [Path.Combine(root, "clients", "node", "client.mjs"), $"127.0.0.1:{server.GrpcAddress.Port}"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["METRICS_TOKEN"] = server.Token([Security.ForceRoles.Viewer]);
        start.Environment["METRICS_PUBLISHER_TOKEN"] = server.Token([Security.ForceRoles.Publisher]);
        start.Environment["METRICS_ADMIN_TOKEN"] = server.Token([Security.ForceRoles.Admin]);

        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var error = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));

        var printed = await output;
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {printed} {await error}");
        Assert.Contains("series Feb 2019=6377 Mar 2019=7767", printed, StringComparison.Ordinal);
        Assert.Contains(
            "error NOT_FOUND metrics.v1/UNKNOWN_MEASURE measure_id=total_recorded_crimes: measure 'total_recorded_crimes' does not exist",
            printed,
            StringComparison.Ordinal);
        var imported = System.Text.RegularExpressions.Regex.Match(printed, @"import #(\d+) added 1; sent again: #(\d+) added 1");
        Assert.True(imported.Success, printed);
        Assert.Equal(imported.Groups[1].Value, imported.Groups[2].Value);
        Assert.Contains($"reused INVALID_ARGUMENT REQUEST_ID_REUSED import_id={imported.Groups[1].Value} field=header.request_id", printed, StringComparison.Ordinal);
        Assert.Matches(@"rate limited: RESOURCE_EXHAUSTED RATE_LIMITED, sent again after (0\.[5-9]|1\.0) s", printed);
        Assert.Contains("intelligence: accepted 8", printed, StringComparison.Ordinal);
        Assert.Contains("published: accepted 1", printed, StringComparison.Ordinal);
        Assert.Contains("update #", printed, StringComparison.Ordinal);
        Assert.Contains("unresourced/telford-and-wrekin/priority = 1", printed, StringComparison.Ordinal);
    }
}
