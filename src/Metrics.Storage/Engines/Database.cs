using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Metrics.Storage.Engines;

/// <summary>Opens connections to the configured engine, with its dialect.</summary>
public sealed class Database
{
    /// <summary>How many times a transaction chosen as a deadlock victim is run again before the error is the caller's.</summary>
    public const int MaxDeadlockAttempts = 3;

    static Database()
    {
        // Columns are snake_case (portable across engines); properties are PascalCase.
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public Database(StorageOptions options)
    {
        Engine = options.Engine;
        Dialect = SqlDialect.For(options.Engine);
        CommandTimeoutSeconds = WholeSeconds(options.Engine == DatabaseEngine.Sqlite ? options.BusyTimeout : options.CommandTimeout);
        (ConnectionString, Description) = options.Engine == DatabaseEngine.SqlServer ? SqlServer(options) : Sqlite(options);
    }

    public DatabaseEngine Engine { get; }

    public SqlDialect Dialect { get; }

    public string ConnectionString { get; }

    /// <summary>Where the store is, for messages and logs: the server and database, or the file; never a password.</summary>
    public string Description { get; }

    /// <summary>A statement's timeout as the drivers take it: whole seconds.</summary>
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
        catch (InvalidOperationException full) when (connection is SqlConnection)
        {
            // SqlClient says "the pool is exhausted" with an InvalidOperationException, which reads as a bug.
            await connection.DisposeAsync();
            throw new StoreUnavailableException(
                "no connection to SQL Server came free within the connect timeout: every connection of the pool is in use (raise Max Pool Size, or find what holds them)",
                full);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs work in one transaction and commits it. A transaction that SQL Server chose as a
    /// deadlock victim was rolled back whole, so it is run again (up to <see cref="MaxDeadlockAttempts"/>
    /// times) rather than failing a call that did nothing wrong.
    /// </summary>
    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await OpenAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var result = await work(connection, transaction);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (DbException e) when (attempt < MaxDeadlockAttempts && StoreFaults.IsDeadlock(e))
            {
                // Run again at once: the other transaction holds no locks of ours now.
            }
        }
    }

    /// <summary>The drivers count timeouts in whole seconds (0 would mean none): at least one.</summary>
    private static int WholeSeconds(TimeSpan timeout) => Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));

    private static (string ConnectionString, string Description) SqlServer(StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new InvalidOperationException("Storage:ConnectionString is required when Storage:Engine is SqlServer.");
        }

        var builder = new SqlConnectionStringBuilder(options.ConnectionString);
        if (!string.IsNullOrEmpty(options.Password))
        {
            builder.Password = options.Password;
        }

        if (string.IsNullOrWhiteSpace(builder.InitialCatalog))
        {
            throw new InvalidOperationException("Storage:ConnectionString names no database (Database=...); the store needs its own, not master.");
        }

        return (builder.ConnectionString, $"SQL Server {builder.DataSource}, database {builder.InitialCatalog}");
    }

    private static (string ConnectionString, string Description) Sqlite(StorageOptions options)
    {
        var builder = string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new SqliteConnectionStringBuilder { DataSource = Path.Combine(options.DataDirectory, "metrics.db") }
            : new SqliteConnectionStringBuilder(options.ConnectionString);
        builder.ForeignKeys = true;
        builder.DefaultTimeout = WholeSeconds(options.BusyTimeout);
        if (builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(builder.DataSource))
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(folder))
            {
                OwnerOnlyFiles.CreateFolder(folder);
            }

            // Made owner-only before SQLite makes it, when SQLite would make it (not for an
            // in-memory name, nor a mode that refuses to create one).
            if (builder.Mode == SqliteOpenMode.ReadWriteCreate && builder.DataSource != ":memory:")
            {
                OwnerOnlyFiles.CreateFile(Path.GetFullPath(builder.DataSource));
            }
        }

        var file = builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:" ? "in memory" : Path.GetFullPath(builder.DataSource);
        return (builder.ToString(), $"SQLite file {file}");
    }
}

/// <summary>The store cannot be used just now (not a fault of the statement): worth a retry.</summary>
public sealed class StoreUnavailableException(string reason, Exception? inner = null) : Exception(reason, inner);
