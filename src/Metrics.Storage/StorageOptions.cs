namespace Metrics.Storage;

/// <summary>The database engines the historical store runs on.</summary>
public enum DatabaseEngine
{
    /// <summary>An embedded SQLite file: the default, needing no server.</summary>
    Sqlite,

    /// <summary>Microsoft SQL Server 2022 or Azure SQL.</summary>
    SqlServer,
}

/// <summary>Where the historical store is. Bound from the "Storage" configuration section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>The engine; SQLite unless configured.</summary>
    public DatabaseEngine Engine { get; set; } = DatabaseEngine.Sqlite;

    /// <summary>
    /// The connection string. Empty with SQLite means a file "metrics.db" in
    /// <see cref="DataDirectory"/>; required with SQL Server.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// The SQL Server login's password, kept out of <see cref="ConnectionString"/> so that any
    /// character may be in it (a ';' or a quote would break the string); empty to use the string's own.
    /// </summary>
    public string Password { get; set; } = string.Empty;

    /// <summary>
    /// SQL Server: create the database if it is missing (with READ_COMMITTED_SNAPSHOT on). Needs
    /// CREATE DATABASE in master; a least-privilege login or an Azure SQL contained user sets it
    /// false and has the database made for it (docs/sql-server.md).
    /// </summary>
    public bool CreateDatabase { get; set; } = true;

    /// <summary>
    /// How long the server waits at start for a store that cannot be reached (a server still
    /// starting, a database still recovering) before it gives up and says why.
    /// </summary>
    public TimeSpan StartupWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Folder for the embedded SQLite file, created if missing.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>How long a statement may run before it is cancelled (SQL Server; drivers count whole seconds).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a SQLite statement waits for another connection's lock before it fails, so that a
    /// locked store answers UNAVAILABLE soon instead of holding the call (SQLite's only timeout).
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
