using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Metrics.Storage.Engines;

/// <summary>Opens connections to the configured engine, with its dialect.</summary>
public sealed class Database
{
    static Database()
    {
        // Columns are snake_case (portable across engines); properties are PascalCase.
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public Database(StorageOptions options)
    {
        Engine = options.Engine;
        Dialect = SqlDialect.For(options.Engine);
        CommandTimeoutSeconds = options.Engine == DatabaseEngine.Sqlite ? options.BusyTimeoutSeconds : options.CommandTimeoutSeconds;
        ConnectionString = ResolveConnectionString(options);
    }

    public DatabaseEngine Engine { get; }

    public SqlDialect Dialect { get; }

    public string ConnectionString { get; }

    public int CommandTimeoutSeconds { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        DbConnection connection = Engine == DatabaseEngine.SqlServer
            ? new SqlConnection(ConnectionString)
            : new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static string ResolveConnectionString(StorageOptions options)
    {
        if (options.Engine == DatabaseEngine.SqlServer)
        {
            return string.IsNullOrWhiteSpace(options.ConnectionString)
                ? throw new InvalidOperationException("Storage:ConnectionString is required when Storage:Engine is SqlServer.")
                : options.ConnectionString;
        }

        var builder = string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new SqliteConnectionStringBuilder { DataSource = Path.Combine(options.DataDirectory, "metrics.db") }
            : new SqliteConnectionStringBuilder(options.ConnectionString);
        builder.ForeignKeys = true;
        builder.DefaultTimeout = options.BusyTimeoutSeconds;
        if (builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(builder.DataSource))
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        return builder.ToString();
    }
}
