using System.Net;
using System.Net.Sockets;
using Metrics.Storage.Engines;
using Microsoft.Data.SqlClient;

namespace Metrics.Storage.Tests;

/// <summary>
/// No SQL Server runs here, so the real driver (Microsoft.Data.SqlClient) is driven as far as the
/// network: a port where nothing listens, and a listener that accepts and never answers. What
/// the store says in each case is what a caller is told.
/// </summary>
public sealed class SqlServerDriverTests
{
    [Fact]
    public async Task AClosedPortIsAStoreThatIsUnavailableNotAFaultOfTheRequest()
    {
        var database = SqlServerAt(ClosedPort(), "Connect Timeout=2");

        var error = await Assert.ThrowsAsync<SqlException>(() => database.OpenAsync(default));

        Assert.True(StoreFaults.IsUnavailable(error, out var reason));
        Assert.StartsWith("SQL Server error ", reason, StringComparison.Ordinal);
        Assert.Contains("A network-related or instance-specific error occurred while establishing a connection to SQL Server", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void APasswordIsSetWholeWhateverItHoldsAndNeverDescribed()
    {
        var database = new Database(new StorageOptions
        {
            Engine = DatabaseEngine.SqlServer,
            ConnectionString = "Server=db.force.local;Database=metrics;User Id=metrics_app",
            Password = "pa;ss'word\"=x",
        });

        Assert.Equal("pa;ss'word\"=x", new SqlConnectionStringBuilder(database.ConnectionString).Password);
        Assert.Equal("SQL Server db.force.local, database metrics", database.Description);
    }

    [Fact]
    public void AConnectionStringWithoutADatabaseIsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new Database(new StorageOptions
        {
            Engine = DatabaseEngine.SqlServer,
            ConnectionString = "Server=db.force.local;User Id=metrics_app",
        }));

        Assert.Contains("names no database", error.Message, StringComparison.Ordinal);
    }

    private static Database SqlServerAt(int port, string options) => new(new StorageOptions
    {
        Engine = DatabaseEngine.SqlServer,
        ConnectionString = $"Server=127.0.0.1,{port};Database=metrics;User Id=metrics;Password=x;Encrypt=False;{options}",
    });

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
