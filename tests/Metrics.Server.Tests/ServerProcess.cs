using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using Metrics.Server.Security;

namespace Metrics.Server.Tests;

/// <summary>
/// The built server as a real process on free ports with its own SQLite file, for tests that
/// need a real HTTP server (a browser, another language's client). Production settings: no
/// demo publisher. Killing it is what a crash or an operator does.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly (string Key, string Value)[] _settings;
    private readonly string _databaseFile;
    private readonly string _workingDirectory;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();
    private Process _process;

    private ServerProcess(int grpcPort, int webPort, string databaseFile, string workingDirectory, (string Key, string Value)[] settings)
    {
        _workingDirectory = workingDirectory;
        _process = Launch(grpcPort, webPort, databaseFile, settings, _output.Enqueue, workingDirectory);
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        WebAddress = new Uri($"http://127.0.0.1:{webPort}");
        _databaseFile = databaseFile;
        _settings = settings;
    }

    public Uri GrpcAddress { get; }

    public Uri WebAddress { get; }

    public bool HasExited => _process.HasExited;

    public string DatabaseFile => _databaseFile;

    /// <summary>How many times <see cref="RestartAsync"/> killed and started it.</summary>
    public int Restarts { get; private set; }

    /// <summary>Everything the server has written to its standard output and error so far.</summary>
    public string Output => string.Join('\n', _output);

    public static Task<ServerProcess> StartAsync(params (string Key, string Value)[] settings) => StartInAsync(ProjectFolder, settings);

    /// <summary>The server started from this working directory, as a unit file or a script might start it.</summary>
    public static Task<ServerProcess> StartInAsync(string workingDirectory, params (string Key, string Value)[] settings) =>
        StartInAsync(workingDirectory, null, settings);

    /// <summary>
    /// A replica: another server on the database file (and signing key) of <paramref name="first"/>,
    /// as replicas share one historical store.
    /// </summary>
    public static Task<ServerProcess> StartReplicaOfAsync(ServerProcess first, params (string Key, string Value)[] settings) =>
        StartInAsync(ProjectFolder, first.DatabaseFile, settings);

    private static async Task<ServerProcess> StartInAsync(string workingDirectory, string? sharedDatabaseFile, (string Key, string Value)[] settings)
    {
        // A free port is released before the server binds it, and another process may take it
        // first: then the server exits saying so, and it starts again on other ports.
        for (var attempt = 1; ; attempt++)
        {
            var grpcPort = FreePort();
            var webPort = FreePort();
            while (webPort == grpcPort)
            {
                webPort = FreePort();
            }

            var databaseFile = sharedDatabaseFile ?? Path.Combine(Path.GetTempPath(), $"metrics-process-{Guid.NewGuid():N}.db");
            var running = new ServerProcess(grpcPort, webPort, databaseFile, workingDirectory, settings);
            try
            {
                await running.WaitUntilAnsweringAsync();
                return running;
            }
            catch (InvalidOperationException) when (attempt < 3 && running.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await running.DisposeAsync();
            }
        }
    }

    private static string ProjectFolder => Path.Combine(RepositoryFolders.Root, "src", "Metrics.Server");

    /// <summary>Kills the server and starts it again on the same ports and database: what a crash and a restart do.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        await StartAgainAsync();
    }

    /// <summary>SIGKILL, and waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Starts a killed server again on the same ports and database.</summary>
    public async Task StartAgainAsync()
    {
        _process.Dispose();
        _process = Launch(GrpcAddress.Port, WebAddress.Port, _databaseFile, _settings, _output.Enqueue, _workingDirectory);
        Restarts++;
        await WaitUntilAnsweringAsync();
    }

    /// <summary>
    /// Starts the server and waits for it to exit by itself (a server that cannot start), returning
    /// its exit code and everything it wrote; kills it and fails if it is still running after the timeout.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(TimeSpan timeout, params (string Key, string Value)[] settings)
    {
        var databaseFile = Path.Combine(Path.GetTempPath(), $"metrics-process-{Guid.NewGuid():N}.db");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = Launch(FreePort(), FreePort(), databaseFile, settings, output.Enqueue, ProjectFolder);
        using var guard = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the server was still running after {timeout.TotalSeconds:0} s:\n{string.Join('\n', output)}");
        }

        // WaitForExitAsync returns once the output streams are read to their end.
        File.Delete(databaseFile + ".key");
        return (process.ExitCode, string.Join('\n', output));
    }

    private static Process Launch(int grpcPort, int webPort, string databaseFile, (string Key, string Value)[] settings, Action<string> output, string workingDirectory)
    {
        var root = RepositoryFolders.Root;
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var server = Path.Combine(root, "src", "Metrics.Server", "bin", configuration, "net10.0", "Metrics.Server.dll");
        var start = new ProcessStartInfo("dotnet", [server])
        {
            // The server finds its settings and pages beside its binary, wherever it is started from.
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{grpcPort}";
        start.Environment["Kestrel__Endpoints__Web__Url"] = $"http://127.0.0.1:{webPort}";
        start.Environment["Storage__ConnectionString"] = $"Data Source={databaseFile}";
        start.Environment["Security__SigningKeyFile"] = databaseFile + ".key";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => Write(line.Data);
        process.ErrorDataReceived += (_, line) => Write(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void Write(string? line)
        {
            if (line is not null)
            {
                output(line);
            }
        }
    }

    /// <summary>A channel whose calls carry a token with every role.</summary>
    public GrpcChannel CreateChannel() => CreateChannel(Token(ForceRoles.All));

    /// <summary>A channel whose calls carry this bearer token; null calls anonymously.</summary>
    public GrpcChannel CreateChannel(string? token) => GrpcChannel.ForAddress(GrpcAddress, TestTokens.ChannelOptions(token));

    /// <summary>A token signed with the key this server reads (the test made it before the server started).</summary>
    public string Token(IEnumerable<string> roles, TimeSpan? lifetime = null, DateTimeOffset? issuedAt = null) =>
        new TokenIssuer(SigningKey.LoadOrCreate(SigningKeyFile), "metrics-server", "metrics").Issue("test", roles, lifetime ?? TimeSpan.FromHours(1), issuedAt);

    /// <summary>The wall display at this path and query, signed in as a viewer through the address's fragment.</summary>
    public string WallAddress(string pathAndQuery, TimeSpan? tokenLifetime = null) =>
        $"{new Uri(WebAddress, pathAndQuery).AbsoluteUri}#token={Token([ForceRoles.Viewer], tokenLifetime)}";

    private string SigningKeyFile => _databaseFile + ".key";

    /// <summary>
    /// Waits until the server's own gauge counts this many live subscriptions: a browser's page
    /// has subscribed only when the server says so, however long Chromium took to start.
    /// </summary>
    public async Task WaitForLiveSubscribersAsync(int count, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = WebAddress };
        var giveUp = DateTime.UtcNow + timeout;
        var open = 0;
        while (DateTime.UtcNow < giveUp)
        {
            var scrape = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            var gauge = Regex.Match(scrape, @"^metrics_live_subscribers\{[^}]*\} (\d+)", RegexOptions.Multiline);
            open = gauge.Success ? int.Parse(gauge.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            if (open >= count)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException($"the server had {open} live subscribers after {timeout.TotalSeconds:0} s, not {count}");
    }

    /// <summary>SIGKILL: no shutdown, nothing flushed.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        foreach (var file in new[] { _databaseFile, _databaseFile + "-wal", _databaseFile + "-shm", SigningKeyFile })
        {
            File.Delete(file);
        }
    }

    private async Task WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with {_process.ExitCode} before it answered");
            }

            try
            {
                using var response = await http.GetAsync(WebAddress, guard.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), guard.Token);
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
