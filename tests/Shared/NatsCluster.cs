using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Metrics.Tests.Shared;

/// <summary>
/// A JetStream cluster of Debian's nats-server processes on loopback ports, each with its own
/// store, for the replica tests and the log ingest benchmark: a node can be killed (SIGKILL) and
/// started again on its store.
/// </summary>
public sealed class NatsCluster : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"metrics-nats-{Guid.NewGuid():N}");
    private readonly Node[] _nodes;

    private NatsCluster(int size)
    {
        var clientPorts = Enumerable.Range(0, size).Select(_ => FreePort()).ToArray();
        var routePorts = Enumerable.Range(0, size).Select(_ => FreePort()).ToArray();
        var monitorPorts = Enumerable.Range(0, size).Select(_ => FreePort()).ToArray();
        var routes = string.Join(',', routePorts.Select(p => $"nats://127.0.0.1:{p}"));
        _nodes = [.. Enumerable.Range(0, size).Select(i => new Node($"n{i + 1}", clientPorts[i], routePorts[i], monitorPorts[i], routes, Path.Combine(_folder, $"n{i + 1}")))];
    }

    /// <summary>Every node's client address, as Live:JetStream:Servers takes them.</summary>
    public string Servers => string.Join(',', _nodes.Select(n => $"nats://127.0.0.1:{n.ClientPort}"));

    public static async Task<NatsCluster> StartAsync(int size = 3)
    {
        var cluster = new NatsCluster(size);
        foreach (var node in cluster._nodes)
        {
            node.Start();
        }

        await cluster.WaitUntilReadyAsync();
        return cluster;
    }

    /// <summary>SIGKILL of one node (0-based).</summary>
    public async Task KillAsync(int node)
    {
        await _nodes[node].KillAsync();
    }

    /// <summary>Starts a killed node again on its store and waits until the cluster answers healthy.</summary>
    public async Task RestartAsync(int node)
    {
        _nodes[node].Start();
        await WaitUntilReadyAsync();
    }

    public string Output(int node) => _nodes[node].Output;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var giveUp = DateTime.UtcNow.AddSeconds(60);
        foreach (var node in _nodes.Where(n => n.Running))
        {
            while (true)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{node.MonitorPort}/healthz"));
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }

                if (DateTime.UtcNow > giveUp)
                {
                    throw new TimeoutException($"nats-server {node.Name} was not healthy after 60 s:\n{node.Output}");
                }

                await Task.Delay(200);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.KillAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class Node(string name, int clientPort, int routePort, int monitorPort, string routes, string store)
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();
        private Process? _process;

        public string Name => name;

        public int ClientPort => clientPort;

        public int MonitorPort => monitorPort;

        public bool Running => _process is { HasExited: false };

        public string Output => string.Join('\n', _output);

        public void Start()
        {
            var start = new ProcessStartInfo(File.Exists("/usr/sbin/nats-server") ? "/usr/sbin/nats-server" : "nats-server")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[]
            {
                "-js", "-sd", store, "-n", name, "-a", "127.0.0.1", "-p", $"{clientPort}", "-m", $"{monitorPort}",
                "--cluster_name", "metrics", "--cluster", $"nats://127.0.0.1:{routePort}", "--routes", routes,
            })
            {
                start.ArgumentList.Add(argument);
            }

            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, line) => Keep(line.Data);
            _process.ErrorDataReceived += (_, line) => Keep(line.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public async Task KillAsync()
        {
            if (_process is { HasExited: false } running)
            {
                running.Kill(entireProcessTree: true);
                await running.WaitForExitAsync();
            }
        }

        private void Keep(string? line)
        {
            if (line is not null)
            {
                _output.Enqueue(line);
            }
        }
    }
}
