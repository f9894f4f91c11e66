using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Metrics.Server.Tests.Identity;

/// <summary>
/// An OpenID Connect provider as the server meets a force's: HTTPS with a certificate from a CA
/// of its own (the server trusts that CA through SSL_CERT_FILE, as a force trusts its internal
/// CA), a discovery document, and a JWKS of RSA and EC keys that it rotates and withdraws. It
/// stops and starts on the same port, to be out of reach and back.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("metrics-idp-").FullName;
    private readonly X509Certificate2 _certificate;
    private readonly Dictionary<string, SigningCredentials> _published = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private WebApplication? _host;

    public TestIdentityProvider()
    {
        Port = FreePort();
        using var authority = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Metrics test identity CA", authority, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var leaf = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), [1, 2, 3, 4]);
        _certificate = X509CertificateLoader.LoadPkcs12(leaf.CopyWithPrivateKey(key).Export(X509ContentType.Pkcs12), null);

        CaFile = Path.Combine(_folder, "ca.pem");
        File.WriteAllText(CaFile, ca.ExportCertificatePem());
        Directory.CreateDirectory(Path.Combine(_folder, "no-other-roots"));
    }

    public int Port { get; }

    public string Authority => $"https://127.0.0.1:{Port}";

    /// <summary>The only CA the server trusts: the provider's.</summary>
    public string CaFile { get; }

    /// <summary>
    /// The server configured as a force would configure it (the authority and the audience),
    /// trusting this provider's CA, and fetching keys at most every second (tests do not wait a minute).
    /// </summary>
    public (string Key, string Value)[] ServerSettings(params (string Key, string Value)[] more) =>
    [
        ("Security:Authority", Authority),
        ("Security:Audience", "metrics"),
        ("Security:KeysRefreshAtMostEvery", "00:00:01"),
        ("SSL_CERT_FILE", CaFile),
        ("SSL_CERT_DIR", Path.Combine(_folder, "no-other-roots")),
        .. more,
    ];

    /// <summary>A new RSA key (RS256), not yet published.</summary>
    public static SigningCredentials NewRsaKey(string keyId) =>
        new(new RsaSecurityKey(RSA.Create(2048)) { KeyId = keyId }, SecurityAlgorithms.RsaSha256);

    /// <summary>A new P-256 key (ES256), not yet published.</summary>
    public static SigningCredentials NewEcKey(string keyId) =>
        new(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = keyId }, SecurityAlgorithms.EcdsaSha256);

    /// <summary>Puts a key in the JWKS.</summary>
    public SigningCredentials Publish(SigningCredentials key)
    {
        lock (_gate)
        {
            _published[key.Key.KeyId] = key;
        }

        return key;
    }

    /// <summary>Takes a key out of the JWKS: what a provider does some time after a rotation.</summary>
    public void Withdraw(SigningCredentials key)
    {
        lock (_gate)
        {
            _published.Remove(key.Key.KeyId);
        }
    }

    /// <summary>A token from this provider, signed by <paramref name="key"/>, with these claims (arrays stay arrays).</summary>
    public string Token(SigningCredentials key, IDictionary<string, object> claims, string audience = "metrics", TimeSpan? lifetime = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromHours(1)),
            Claims = new Dictionary<string, object>(claims) { ["sub"] = claims.TryGetValue("sub", out var sub) ? sub : "idp-user" },
            SigningCredentials = key,
        });
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, Port, listen => listen.UseHttps(_certificate)));
        var host = builder.Build();
        host.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Authority,
            ["jwks_uri"] = $"{Authority}/discovery/keys",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256", "ES256" },
        }));
        host.MapGet("/discovery/keys", () => Results.Json(new Dictionary<string, object> { ["keys"] = Keys() }));
        await host.StartAsync();
        _host = host;
    }

    public async Task StopAsync()
    {
        if (_host is { } host)
        {
            _host = null;
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _certificate.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private List<Dictionary<string, string>> Keys()
    {
        lock (_gate)
        {
            return [.. _published.Values.Select(credentials => credentials.Key switch
            {
                RsaSecurityKey rsa => Jwk(rsa.KeyId, "RSA", "RS256", rsa.Rsa.ExportParameters(false) is var p ? [("n", p.Modulus!), ("e", p.Exponent!)] : []),
                ECDsaSecurityKey ec => Jwk(ec.KeyId, "EC", "ES256", ec.ECDsa.ExportParameters(false) is var q ? [("x", q.Q.X!), ("y", q.Q.Y!)] : [], ("crv", "P-256")),
                _ => throw new InvalidOperationException("an RSA or EC key"),
            })];
        }
    }

    private static Dictionary<string, string> Jwk(string keyId, string type, string algorithm, (string Name, byte[] Value)[] parameters, params (string Name, string Value)[] more) =>
        new[] { ("kty", type), ("kid", keyId), ("use", "sig"), ("alg", algorithm) }
            .Concat(parameters.Select(p => (p.Name, Base64UrlEncoder.Encode(p.Value))))
            .Concat(more)
            .ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
