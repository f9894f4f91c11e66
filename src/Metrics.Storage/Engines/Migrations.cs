using System.Reflection;
using DbUp;
using DbUp.Builder;
using Microsoft.Data.Sqlite;

namespace Metrics.Storage.Engines;

/// <summary>Applies the versioned migrations of the configured engine (DbUp, embedded scripts).</summary>
public static class Migrations
{
    /// <summary>Resource-name prefix of an engine's scripts: Migrations/Sqlite/*.sql, Migrations/SqlServer/*.sql.</summary>
    public static string ScriptPrefix(DatabaseEngine engine) => $"Metrics.Storage.Migrations.{engine}.";

    /// <summary>
    /// Brings the store to the newest schema: on SQL Server the database is made first when
    /// <paramref name="createDatabase"/> allows, and checked after. Returns what an operator should know.
    /// </summary>
    public static IReadOnlyList<string> Apply(Database database, bool createDatabase = true)
    {
        UpgradeEngineBuilder builder;
        if (database.Engine == DatabaseEngine.SqlServer)
        {
            if (createDatabase)
            {
                SqlServerSetup.CreateIfMissing(database);
            }

            builder = DeployChanges.To.SqlDatabase(database.ConnectionString);
        }
        else
        {
            EnableWriteAheadLog(database.ConnectionString);
            builder = DeployChanges.To.SqliteDatabase(database.ConnectionString);
        }

        var result = builder
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.StartsWith(ScriptPrefix(database.Engine), StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build()
            .PerformUpgrade();
        if (!result.Successful)
        {
            // A store that cannot be reached is not a failed script: the caller may wait for it.
            if (StoreFaults.IsUnavailable(result.Error, out _))
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(result.Error).Throw();
            }

            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
        }

        return database.Engine == DatabaseEngine.SqlServer ? SqlServerSetup.Check(database) : [];
    }

    /// <summary>Readers do not block the writer, and the file survives a crash mid-write.</summary>
    private static void EnableWriteAheadLog(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        command.ExecuteNonQuery();
    }
}
