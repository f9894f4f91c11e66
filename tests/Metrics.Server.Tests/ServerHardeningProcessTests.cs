using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Security;

namespace Metrics.Server.Tests;

/// <summary>
/// What only the real process shows (issue 16): where it reads its settings from, what it
/// writes to its log and its data directory, and how its HTTP/2 transport answers a request
/// that gRPC itself would answer badly.
/// </summary>
public sealed class ServerHardeningProcessTests
{
    private static readonly UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task StartedFromAnotherFolderTheServerReadsItsOwnSettingsAndServesGrpcOverHttp2()
    {
        var elsewhere = Directory.CreateTempSubdirectory("metrics-elsewhere-").FullName;
        try
        {
            // Only the addresses are given: the protocols (HTTP/2 for gRPC) come from its appsettings.json.
            await using var server = await ServerProcess.StartInAsync(elsewhere);
            var measures = new MeasuresService.MeasuresServiceClient(server.CreateChannel());

            var listed = await measures.ListMeasuresAsync(new ListMeasuresRequest());

            Assert.NotEmpty(listed.Measures);
            var settingsLine = server.Output.Split('\n').Single(l => l.Contains("Settings read from", StringComparison.Ordinal));
            Assert.Contains(Path.Combine("bin", "Release", "net10.0", "appsettings.json"), settingsLine.Replace("Debug", "Release", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere)); // nothing written where it was started
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task NoTokenReachesTheLogAndEveryFileUnderTheDataDirectoryIsTheOwnersAlone()
    {
        var data = Path.Combine(Path.GetTempPath(), $"metrics-owner-{Guid.NewGuid():N}");
        try
        {
            // A data directory an earlier version left readable by everyone.
            Directory.CreateDirectory(data);
            File.SetUnixFileMode(data, (UnixFileMode)0b111_101_101);
            var leftOver = Path.Combine(data, "notes.txt");
            await File.WriteAllTextAsync(leftOver, "left by an earlier version");
            File.SetUnixFileMode(leftOver, (UnixFileMode)0b110_100_100);

            await using (var server = await ServerProcess.StartAsync(
                ("Storage:ConnectionString", ""), ("Storage:DataDirectory", data), ("Security:SigningKeyFile", "signing-key"), ("Security:TokenDirectory", "tokens")))
            {
                var viewer = (await File.ReadAllTextAsync(Path.Combine(data, "tokens", "viewer.jwt"))).Trim();
                var wall = await File.ReadAllTextAsync(Path.Combine(data, "tokens", "wall.url"));

                Assert.Contains(viewer, wall, StringComparison.Ordinal);
                Assert.DoesNotContain(viewer, server.Output, StringComparison.Ordinal);
                Assert.DoesNotContain("#token=", server.Output, StringComparison.Ordinal);
                Assert.Contains(Path.Combine(data, "tokens", "wall.url"), server.Output, StringComparison.Ordinal);
                Assert.Contains("could be read by other accounts on this machine; they are now its owner's alone", server.Output, StringComparison.Ordinal);
            }

            var paths = Directory.EnumerateFileSystemEntries(data, "*", SearchOption.AllDirectories).Prepend(data).ToList();
            var names = paths.Select(p => Path.GetRelativePath(data, p)).ToHashSet();
            Assert.Superset(new HashSet<string> { ".", "metrics.db", "signing-key", "tokens", Path.Combine("tokens", "wall.url"), Path.Combine("tokens", "viewer.jwt"), "notes.txt" }, names);
            Assert.All(paths, path => Assert.True((File.GetUnixFileMode(path) & GroupOrOther) == 0, $"{path} is {File.GetUnixFileMode(path)}"));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task ACallerThatGoesAwayIsOneLineAtDebugWithNoStackTrace()
    {
        await using var server = await ServerProcess.StartAsync(("Logging:LogLevel:Metrics.Server.Grpc", "Debug"));
        var channel = server.CreateChannel(server.Token(ForceRoles.All));

        // A wall tab closed mid-stream.
        using (var closing = new CancellationTokenSource())
        {
            var live = new LiveService.LiveServiceClient(channel);
            using var call = live.Subscribe(new SubscribeRequest(), cancellationToken: closing.Token);
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            await closing.CancelAsync();
        }

        // A publisher stopped with Ctrl-C while its stream was open.
        using (var stopping = new CancellationTokenSource())
        {
            var ingest = new IngestService.IngestServiceClient(channel);
            using var publish = ingest.Publish(cancellationToken: stopping.Token);
            await publish.RequestStream.WriteAsync(new PublishRequest());
            // Its first batch acknowledged: the call is in the server's hands (cancelled before that,
            // it may never reach the service, and there is nothing to log: one run in ten did so).
            Assert.True(await publish.ResponseStream.MoveNext(CancellationToken.None));
            await stopping.CancelAsync();
        }

        var lines = await WaitForAsync(server, output => output.Split('\n').Count(l => l.Contains("cancelled by the caller", StringComparison.Ordinal)) >= 2);

        Assert.Equal(2, lines.Count(l => l.Contains("cancelled by the caller", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.Contains("Error reading message", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Error status code", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheTransportRefusesBadRequestsWithStatusesThatSayWhy()
    {
        await using var server = await ServerProcess.StartAsync();
        using var http = new HttpClient();
        var token = server.Token(ForceRoles.All);

        // Cut short: the frame declares 16 bytes and 2 arrive.
        var cut = await CallAsync(http, server, "/metrics.v1.MeasuresService/ListMeasures", [0, 0, 0, 0, 16, 0x0a, 0x01], token);
        // No message at all.
        var none = await CallAsync(http, server, "/metrics.v1.MeasuresService/ListMeasures", [], token);
        // A 60 KB token: refused by authentication, not reset by the transport.
        var huge = await CallAsync(http, server, "/metrics.v1.MeasuresService/ListMeasures", [0, 0, 0, 0, 0], new string('a', 60_000));
        // No token: the message as a client shows it, not escaped twice.
        var anonymous = await CallAsync(http, server, "/metrics.v1.MeasuresService/ListMeasures", [0, 0, 0, 0, 0], token: null);

        Assert.Equal(("3", "the request is cut short: its frame declares 16 bytes and 2 arrived"), cut);
        Assert.Equal(("3", "the request holds no message; metrics.v1.ListMeasuresRequest is required"), none);
        Assert.Equal(("16", "the bearer token is not a JSON web token"), huge);
        Assert.Equal(("16", "a bearer token is required: send the header 'authorization: Bearer <token>'"), anonymous);
    }

    /// <summary>A raw gRPC call over HTTP/2: the grpc-status and grpc-message headers exactly as sent (percent-decoding only what the spec encodes).</summary>
    private static async Task<(string Status, string Message)> CallAsync(HttpClient http, ServerProcess server, string path, byte[] body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.GrpcAddress, path))
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("authorization", $"Bearer {token}");
        }

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        string Header(string name) =>
            response.Headers.TryGetValues(name, out var values) ? values.Single()
            : response.TrailingHeaders.TryGetValues(name, out var trailing) ? trailing.Single()
            : "";
        var message = Header("grpc-message");
        Assert.DoesNotContain("%3A", message, StringComparison.Ordinal);
        Assert.DoesNotContain("%20", message, StringComparison.Ordinal);
        return (Header("grpc-status"), Uri.UnescapeDataString(message));
    }

    private static async Task<string[]> WaitForAsync(ServerProcess server, Func<string, bool> done)
    {
        for (var waited = 0; waited < 100 && !done(server.Output); waited++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        // A little longer: anything logged after the cancellation line (a stack trace) is in.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        return server.Output.Split('\n');
    }
}
