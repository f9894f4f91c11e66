using System.Reactive.Concurrency;
using Grpc.Net.Client;
using Metrics.Contracts.V1;
using Metrics.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Metrics.Server.Tests;

/// <summary>
/// The whole server in memory, on a private SQLite file, migrated and seeded as on a first
/// start, on virtual time: the clock and the live pipeline's scheduler start at
/// <see cref="Start"/> and move only when a test moves them (<see cref="Advance"/>).
/// </summary>
public sealed class MetricsServerFactory : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Start = new(2019, 3, 12, 10, 0, 0, TimeSpan.Zero);

    public MetricsServerFactory()
        : this(Path.Combine(Path.GetTempPath(), $"metrics-server-test-{Guid.NewGuid():N}.db"))
    {
    }

    /// <summary>A server on a given database file: a second one on the same file is a restart. (xunit fixtures take the public constructor.)</summary>
    internal MetricsServerFactory(string databaseFile, DateTimeOffset? start = null)
    {
        DatabaseFile = databaseFile;
        Clock = new FakeTimeProvider(start ?? Start);
        Scheduler = new VirtualClockScheduler(start ?? Start);
    }

    public string DatabaseFile { get; }

    /// <summary>Configuration to add before the server starts (e.g. "Demo:Enabled").</summary>
    public Dictionary<string, string> Settings { get; } = [];

    public FakeTimeProvider Clock { get; }

    public VirtualClockScheduler Scheduler { get; }

    /// <summary>
    /// Waits until the server has finished every request it took (its handler and everything
    /// after): a test that checks what a cancelled or refused call left behind checks after the
    /// server decided, not when the client gave up.
    /// </summary>
    public async Task UntilIdleAsync()
    {
        var idle = Services.GetRequiredService<RequestsInFlight>();
        for (var waited = 0; idle.Count > 0; waited++)
        {
            Assert.True(waited < 300, $"{idle.Count} requests still in the server after 30 s");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>A channel whose calls carry a token with every role (tests of what a role may do pass their own).</summary>
    public GrpcChannel CreateChannel() => CreateChannel(Token(ForceRoles.All));

    /// <summary>A channel whose calls carry this bearer token; null calls anonymously.</summary>
    public GrpcChannel CreateChannel(string? token) =>
        GrpcChannel.ForAddress(Server.BaseAddress, TestTokens.ChannelOptions(token, Server.CreateHandler()));

    /// <summary>A token signed by this server's own key.</summary>
    public string Token(IEnumerable<string> roles, TimeSpan? lifetime = null, DateTimeOffset? issuedAt = null, string subject = "test") =>
        Services.GetRequiredService<TokenIssuer>().Issue(subject, roles, lifetime ?? TimeSpan.FromHours(1), issuedAt);

    public MeasuresService.MeasuresServiceClient Measures() => new(CreateChannel());

    /// <summary>Moves the clock and the scheduler together.</summary>
    public void Advance(TimeSpan by)
    {
        Clock.Advance(by);
        Scheduler.AdvanceBy(by);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:ConnectionString", $"Data Source={DatabaseFile}");
        builder.UseSetting("Security:SigningKeyFile", DatabaseFile + ".key");

        // Quiet: console commands under test print to the same console.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<RequestsInFlight>();
            services.AddSingleton<IStartupFilter, RequestsInFlight.Counting>();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IScheduler>(Scheduler);
            // The demo publisher reaches this host's own TestServer; not through the factory's Server
            // property, which would build a second host while this one is starting.
            services.AddSingleton(sp => new Grpc.Ingest.DemoChannel(() => GrpcChannel.ForAddress(
                "http://localhost",
                new GrpcChannelOptions { HttpHandler = ((TestServer)sp.GetRequiredService<IServer>()).CreateHandler() })));
        });
    }
}

/// <summary>The requests the server is still handling: counted around the whole pipeline.</summary>
internal sealed class RequestsInFlight
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    internal sealed class Counting(RequestsInFlight inFlight) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                Interlocked.Increment(ref inFlight._count);
                try
                {
                    await following(context);
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight._count);
                }
            });
            next(app);
        };
    }
}
