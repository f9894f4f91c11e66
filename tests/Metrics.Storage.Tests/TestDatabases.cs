using Metrics.Storage.Engines;
using Microsoft.Data.SqlClient;

namespace Metrics.Storage.Tests;

/// <summary>Fresh, migrated databases for one test each, on either engine.</summary>
public static class TestDatabases
{
    /// <summary>A SQL Server connection string to run the storage tests against for real.</summary>
    public const string SqlServerVariable = "METRICS_TEST_SQLSERVER";

    public static Database Sqlite()
    {
        var file = Path.Combine(Path.GetTempPath(), $"metrics-test-{Guid.NewGuid():N}.db");
        return Migrate(new StorageOptions { Engine = DatabaseEngine.Sqlite, ConnectionString = $"Data Source={file}" });
    }

    public static Database? SqlServer()
    {
        var connectionString = Environment.GetEnvironmentVariable(SqlServerVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        var builder = new SqlConnectionStringBuilder(connectionString) { InitialCatalog = $"metrics_test_{Guid.NewGuid():N}" };
        return Migrate(new StorageOptions { Engine = DatabaseEngine.SqlServer, ConnectionString = builder.ConnectionString });
    }

    private static Database Migrate(StorageOptions options)
    {
        var database = new Database(options);
        Migrations.Apply(database);
        return database;
    }
}
