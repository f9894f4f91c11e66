using Dapper;
using Microsoft.Data.SqlClient;

namespace Metrics.Storage.Engines;

/// <summary>
/// What the service needs of its SQL Server database around the migrations: the database made
/// when it is missing (if the login may), and its settings checked at every start.
/// </summary>
public static class SqlServerSetup
{
    /// <summary>OPENJSON, which ingest and imports use, needs compatibility level 130 (SQL Server 2016) or more.</summary>
    public const int LeastCompatibilityLevel = 130;

    /// <summary>
    /// Run in master: creates the database @Name when it is missing, with row versioning for
    /// reads (READ_COMMITTED_SNAPSHOT), so that series reads never wait behind an import. Each
    /// statement runs alone: Azure SQL wants CREATE DATABASE alone in its batch.
    /// </summary>
    public const string CreateDatabaseIfMissing = """
        IF DB_ID(@Name) IS NULL
        BEGIN
            DECLARE @create NVARCHAR(400) = N'CREATE DATABASE ' + QUOTENAME(@Name) + N';';
            DECLARE @snapshot NVARCHAR(400) = N'ALTER DATABASE ' + QUOTENAME(@Name) + N' SET READ_COMMITTED_SNAPSHOT ON;';
            EXEC (@create);
            EXEC (@snapshot);
        END;
        """;

    /// <summary>The connected database's settings (a login always sees its own database's row).</summary>
    public const string SelectDatabaseSettings = """
        SELECT compatibility_level, is_read_committed_snapshot_on
        FROM sys.databases
        WHERE database_id = DB_ID();
        """;

    /// <summary>Creates the database named by the connection string if it is missing, connecting to master with the same login.</summary>
    public static void CreateIfMissing(Database database)
    {
        var target = new SqlConnectionStringBuilder(database.ConnectionString);
        var master = new SqlConnectionStringBuilder(database.ConnectionString) { InitialCatalog = "master", Pooling = false };
        using var connection = new SqlConnection(master.ConnectionString);
        connection.Open();
        connection.Execute(new CommandDefinition(CreateDatabaseIfMissing, new { Name = target.InitialCatalog }, commandTimeout: database.CommandTimeoutSeconds));
    }

    /// <summary>
    /// Checks the database the service will use: refuses one whose compatibility level is too
    /// low for OPENJSON, and returns what an operator should know (row versioning off).
    /// </summary>
    public static IReadOnlyList<string> Check(Database database)
    {
        using var connection = new SqlConnection(database.ConnectionString);
        connection.Open();
        var (level, snapshot) = connection.QuerySingle<(int, bool)>(new CommandDefinition(SelectDatabaseSettings, commandTimeout: database.CommandTimeoutSeconds));
        if (level < LeastCompatibilityLevel)
        {
            throw new InvalidOperationException(
                $"{database.Description} is at compatibility level {level}; the service needs {LeastCompatibilityLevel} or more (ALTER DATABASE ... SET COMPATIBILITY_LEVEL = 160).");
        }

        return snapshot
            ? []
            : [$"READ_COMMITTED_SNAPSHOT is off for {database.Description}: series reads will wait behind imports and hourly captures. Turn it on (docs/sql-server.md)."];
    }
}
