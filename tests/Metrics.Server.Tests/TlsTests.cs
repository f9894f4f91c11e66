using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Metrics.Contracts.V1;
using Metrics.Server.Security;

namespace Metrics.Server.Tests;

/// <summary>
/// The documented TLS configuration (as docker compose runs it): one HTTPS port with a
/// certificate from PEM files serves gRPC over HTTP/2, gRPC-Web and the pages over HTTP/1.1.
/// </summary>
[Collection(nameof(ConsoleCommands))] // real processes: not beside the other process tests
public sealed class TlsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("metrics-tls-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task OneTlsPortServesGrpcAndTheWebWithTheConfiguredCertificate()
    {
        using var certificate = SelfSigned();
        var (certificateFile, keyFile) = (Path.Combine(_folder, "metrics.crt"), Path.Combine(_folder, "metrics.key"));
        await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var port = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(
            ("Kestrel:Endpoints:Tls:Url", $"https://127.0.0.1:{port}"),
            ("Kestrel:Endpoints:Tls:Protocols", "Http1AndHttp2"),
            ("Kestrel:Endpoints:Tls:Certificate:Path", certificateFile),
            ("Kestrel:Endpoints:Tls:Certificate:KeyPath", keyFile));
        var address = new Uri($"https://localhost:{port}");
        X509Certificate2? presented = null;
        SocketsHttpHandler Trusting() => new()
        {
            SslOptions =
            {
                // Trust this certificate alone, as a client given the force's own certificate would.
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                {
                    presented = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
                    return cert is not null && cert.GetCertHashString() == certificate.GetCertHashString();
                },
            },
        };

        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = Trusting(),
            Credentials = ChannelCredentials.Create(new SslCredentials(), CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("authorization", $"Bearer {server.Token([ForceRoles.Viewer])}");
                return Task.CompletedTask;
            })),
        });
        var series = await new MeasuresService.MeasuresServiceClient(channel).GetSeriesAsync(new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia" });
        using var http = new HttpClient(Trusting()) { DefaultRequestVersion = HttpVersion.Version11 };
        using var page = await http.GetAsync(new Uri(address, "/wall/"));
        using var cleartext = new HttpClient();
        HttpStatusCode? plain = null;
        try
        {
            using var response = await cleartext.GetAsync(new Uri($"http://localhost:{port}/wall/"));
            plain = response.StatusCode;
        }
        catch (HttpRequestException)
        {
        }

        Assert.Equal(7767, series.Points.Single(p => p.Label == "Mar 2019").Value);
        Assert.Equal(certificate.Thumbprint, presented?.Thumbprint);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(new Version(1, 1), page.Version);
        Assert.NotEqual(HttpStatusCode.OK, plain); // cleartext on the TLS port: refused or a reset, never the page
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }
}
