namespace Metrics.Server.Tests;

/// <summary>
/// The built server started on SQL Server, as a force would start it, against a port on
/// loopback where nothing listens: it must get as far as the network through the real driver,
/// wait for the store as long as it is told, and then refuse to start, naming the store and why.
/// </summary>
public sealed class SqlServerStartTests
{
    [Fact]
    public async Task AServerWhoseSqlServerCannotBeReachedWaitsThenRefusesToStartNamingTheServer()
    {
        var closedPort = ServerProcess.FreePort();

        var (exitCode, output) = await ServerProcess.RunUntilExitAsync(
            TimeSpan.FromSeconds(90),
            ("Storage:Engine", "SqlServer"),
            ("Storage:ConnectionString", $"Server=127.0.0.1,{closedPort};Database=metrics;User Id=metrics;Connect Timeout=2;Encrypt=False"),
            ("Storage:Password", "a;password='with' quotes"),
            ("Storage:StartupWait", "00:00:05"));

        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain("NotSupportedException", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Globalization", output, StringComparison.Ordinal);
        Assert.DoesNotContain("with' quotes", output, StringComparison.Ordinal);
        Assert.Contains($"Historical store (SQL Server 127.0.0.1,{closedPort}, database metrics) not reachable yet, trying again: SQL Server error", output, StringComparison.Ordinal);
        Assert.Matches(
            $@"The historical store \(SQL Server 127\.0\.0\.1,{closedPort}, database metrics\) cannot be reached: SQL Server error \d+: A network-related or instance-specific error occurred while establishing a connection to SQL Server\. Waited [4-9] s \(Storage:StartupWait\)",
            output);
    }
}
