using Dapper;
using Metrics.Storage.Engines;
using Microsoft.Data.SqlClient;

namespace Metrics.Storage.Tests;

/// <summary>
/// What only a real SQL Server can show: the database the service makes for itself, and a pool
/// with every connection taken. Skipped, saying so, without METRICS_TEST_SQLSERVER.
/// </summary>
public sealed class SqlServerEngineTests : IDisposable
{
    private readonly List<Database> _made = [];

    public void Dispose() => _made.ForEach(TestDatabases.Drop);

    [SkippableFact]
    public void TheDatabaseTheServiceMakesReadsCommittedRowVersionsAndIsMigratedOnce()
    {
        var database = Made($"metrics_test_{Guid.NewGuid():N}");

        var first = Migrations.Apply(database);
        var second = Migrations.Apply(database);

        using var connection = new SqlConnection(database.ConnectionString);
        var (level, snapshot) = connection.QuerySingle<(int, bool)>(SqlServerSetup.SelectDatabaseSettings);
        var collation = connection.QuerySingle<string>(
            "SELECT collation_name FROM sys.columns WHERE object_id = OBJECT_ID(N'operational_event') AND name = N'event_id';");
        Assert.Empty(first);
        Assert.Empty(second);
        Assert.True(level >= SqlServerSetup.LeastCompatibilityLevel, $"compatibility level {level}");
        Assert.True(snapshot);
        Assert.Equal("Latin1_General_100_BIN2", collation);
    }

    [SkippableFact]
    public async Task APoolWithEveryConnectionTakenAnswersUnavailableSayingSo()
    {
        var database = Made($"metrics_test_{Guid.NewGuid():N}", ";Max Pool Size=1;Connect Timeout=2");
        Migrations.Apply(database);

        await using var held = await database.OpenAsync(default);
        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => database.OpenAsync(default));

        Assert.True(StoreFaults.IsUnavailable(refused, out var reason));
        Assert.StartsWith("no connection to SQL Server came free within the connect timeout", reason, StringComparison.Ordinal);
    }

    private Database Made(string name, string extraOptions = "")
    {
        var options = TestDatabases.SqlServerOptions(name);
        Skip.If(options is null, TestDatabases.SkipReason);
        options!.ConnectionString += extraOptions;
        var database = new Database(options);
        _made.Add(database);
        return database;
    }
}
