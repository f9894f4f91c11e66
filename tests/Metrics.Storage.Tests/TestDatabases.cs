using Dapper;
using Metrics.Storage.Engines;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Metrics.Storage.Tests;

/// <summary>Fresh, migrated databases for one test each, on either engine, dropped after it.</summary>
public static class TestDatabases
{
    /// <summary>A SQL Server connection string (a login that may create databases) to run the storage tests against for real.</summary>
    public const string SqlServerVariable = "METRICS_TEST_SQLSERVER";

    /// <summary>Its password, kept apart so that any character may be in it.</summary>
    public const string SqlServerPasswordVariable = "METRICS_TEST_SQLSERVER_PASSWORD";

    public static string SkipReason =>
        $"No SQL Server: set {SqlServerVariable} to a connection string to run these on SQL Server (docker compose --profile test run --rm storage-tests).";

    public static Database Sqlite()
    {
        var file = Path.Combine(Path.GetTempPath(), $"metrics-test-{Guid.NewGuid():N}.db");
        return Migrate(new StorageOptions { Engine = DatabaseEngine.Sqlite, ConnectionString = $"Data Source={file}" });
    }

    public static Database? SqlServer()
    {
        var options = SqlServerOptions($"metrics_test_{Guid.NewGuid():N}");
        return options is null ? null : Migrate(options);
    }

    /// <summary>The options for a database of this name on the test server; null when there is no test server.</summary>
    public static StorageOptions? SqlServerOptions(string databaseName)
    {
        var connectionString = Environment.GetEnvironmentVariable(SqlServerVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        var builder = new SqlConnectionStringBuilder(connectionString) { InitialCatalog = databaseName };
        return new StorageOptions
        {
            Engine = DatabaseEngine.SqlServer,
            ConnectionString = builder.ConnectionString,
            Password = Environment.GetEnvironmentVariable(SqlServerPasswordVariable) ?? "",
        };
    }

    /// <summary>Drops a test's database: the SQLite file and its journal, or the SQL Server database.</summary>
    public static void Drop(Database database)
    {
        if (database.Engine == DatabaseEngine.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }

            return;
        }

        SqlConnection.ClearAllPools();
        var name = new SqlConnectionStringBuilder(database.ConnectionString).InitialCatalog;
        var master = new SqlConnectionStringBuilder(database.ConnectionString) { InitialCatalog = "master", Pooling = false };
        using var connection = new SqlConnection(master.ConnectionString);
        connection.Open();
        connection.Execute("""
            IF DB_ID(@Name) IS NOT NULL
            BEGIN
                DECLARE @drop NVARCHAR(400) = N'ALTER DATABASE ' + QUOTENAME(@Name) + N' SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE ' + QUOTENAME(@Name) + N';';
                EXEC (@drop);
            END;
            """, new { Name = name });
    }

    private static Database Migrate(StorageOptions options)
    {
        var database = new Database(options);
        Migrations.Apply(database);
        return database;
    }
}
