using System.Diagnostics;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// The wall display in Chromium, through nginx (a plain proxy for gRPC-Web and the page) in front
/// of two replicas of a shared JetStream log: the replica serving its stream is killed, and the
/// page goes on by itself (it resumes through the balancer on the other) and shows the next
/// incident as the other replica computed it.
/// </summary>
[Collection(nameof(ConsoleCommands))] // real processes: not beside the other process tests
public sealed partial class WallFailoverTests
{
    private static string Figure(string key) => $"document.querySelector('[data-figure=\"{key}\"]')?.textContent";

    [Fact]
    public async Task TheWallMovesToTheOtherReplicaThroughTheBalancerAndMissesNothing()
    {
        await using var cluster = await NatsCluster.StartAsync();
        await using var a = await ServerProcess.StartAsync(ReplicaEvents.Settings(cluster, "a"));
        await using var b = await ServerProcess.StartReplicaOfAsync(a, ReplicaEvents.Settings(cluster, "b"));
        await using var balancer = await Balancer.StartAsync(a.WebAddress, b.WebAddress);
        var now = DateTimeOffset.UtcNow.AddSeconds(-30);
        await Publish(a, now, "first", "shropshire", "shropshire");

        var until = $"(window.__seen ??= new Set()).add({Figure("unresourced/shropshire")}) && window.__seen.has('2') && window.__seen.has('3')";
        var screenshot = Path.Combine(RepositoryFolders.Artifacts("wall"), "wall-failover.png");
        var address = $"{new Uri(balancer.Address, "/wall/?areas=shropshire,herefordshire&stale=30").AbsoluteUri}#token={a.Token([Security.ForceRoles.Viewer])}";
        var page = HeadlessChromium.Open(address, screenshot, until, TimeSpan.FromSeconds(90), $"{Figure("unresourced/shropshire")} === '2'");
        await page.Signals[0];

        // The replica holding the wall's stream goes; the next incident is taken by the other, so
        // the page can only show it from the other replica, reached through the balancer.
        var serving = await SubscribersAsync(a) > 0 ? a : b;
        var other = serving == a ? b : a;
        await serving.KillAsync();
        await Publish(other, now.AddSeconds(20), "second", "shropshire");
        var shown = await page.Result;

        var snapshot = await new LiveService.LiveServiceClient(other.CreateChannel()).GetSnapshotAsync(new GetSnapshotRequest { AreaCodes = { "shropshire" } });
        Assert.True(shown.Waited, $"the wall showed {string.Join(", ", shown.Figures.Select(f => $"{f.Key}={f.Value}"))}, {shown.Status} {shown.Stale}");
        Assert.Equal("3", shown.Figures["unresourced/shropshire"]);
        Assert.Equal(3, snapshot.Figures.Where(f => f.Key.StartsWith("unresourced/shropshire/", StringComparison.Ordinal)).Sum(f => f.Unresourced.Count));
        Assert.Equal("● LIVE", shown.Status);
    }

    private static async Task Publish(ServerProcess replica, DateTimeOffset at, string prefix, params string[] areas)
    {
        var batch = new PublishBatchRequest();
        batch.Events.Add(areas.Select((area, i) => new OperationalEvent
        {
            Source = "test-system",
            EventId = $"{prefix}{i}",
            OccurredAt = Timestamp.FromDateTimeOffset(at.AddSeconds(i)),
            IncidentOpened = new IncidentOpened { IncidentId = $"{prefix}-incident-{i}", AreaCode = area, Grade = IncidentGrade.Priority },
        }));
        var ack = await new IngestService.IngestServiceClient(replica.CreateChannel()).PublishBatchAsync(batch);
        Assert.Equal(areas.Length, ack.Acknowledgement.Accepted);
    }

    /// <summary>The live streams a replica holds, from its own gauge.</summary>
    private static async Task<int> SubscribersAsync(ServerProcess replica)
    {
        using var http = new HttpClient { BaseAddress = replica.WebAddress };
        var gauge = SubscribersGauge().Match(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        return gauge.Success ? int.Parse(gauge.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"^metrics_live_subscribers\{[^}]*\} (\d+)", RegexOptions.Multiline)]
    private static partial Regex SubscribersGauge();

    /// <summary>Debian's nginx in front of the replicas' web ports, as bench/failover.sh runs it: a plain proxy, unbuffered.</summary>
    private sealed class Balancer : IAsyncDisposable
    {
        private readonly Process _nginx;
        private readonly string _folder;

        private Balancer(Process nginx, string folder, int port)
        {
            _nginx = nginx;
            _folder = folder;
            Address = new Uri($"http://127.0.0.1:{port}");
        }

        public Uri Address { get; }

        public static async Task<Balancer> StartAsync(params Uri[] upstreams)
        {
            var folder = Path.Combine(Path.GetTempPath(), $"metrics-nginx-{Guid.NewGuid():N}");
            Directory.CreateDirectory(folder);
            var port = ServerProcess.FreePort();
            var configuration = Path.Combine(folder, "nginx.conf");
            await File.WriteAllTextAsync(configuration, $$"""
                daemon off;
                worker_processes 1;
                pid {{folder}}/nginx.pid;
                error_log {{folder}}/error.log warn;
                events { worker_connections 1024; }
                http {
                  access_log off;
                  client_body_temp_path {{folder}}/body;
                  proxy_temp_path {{folder}}/proxy;
                  upstream replicas { {{string.Join(' ', upstreams.Select(u => $"server {u.Authority} max_fails=1 fail_timeout=10s;"))}} }
                  server {
                    listen 127.0.0.1:{{port}};
                    location / {
                      proxy_pass http://replicas;
                      proxy_http_version 1.1;
                      proxy_buffering off;
                      proxy_read_timeout 1h;
                    }
                  }
                }
                """);
            var start = new ProcessStartInfo(File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { "-p", folder, "-c", configuration, "-e", Path.Combine(folder, "error.log") })
            {
                start.ArgumentList.Add(argument);
            }

            var nginx = Process.Start(start)!;
            using var http = new HttpClient();
            var giveUp = DateTime.UtcNow.AddSeconds(20);
            while (true)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
                    return new Balancer(nginx, folder, port);
                }
                catch (HttpRequestException) when (DateTime.UtcNow < giveUp && !nginx.HasExited)
                {
                    await Task.Delay(100);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_nginx.HasExited)
            {
                _nginx.Kill(entireProcessTree: true);
                await _nginx.WaitForExitAsync();
            }

            _nginx.Dispose();
            Directory.Delete(_folder, recursive: true);
        }
    }
}
