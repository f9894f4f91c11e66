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

    /// <summary>Folder for the embedded SQLite file, created if missing.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Seconds a statement may run before it is cancelled (SQL Server).</summary>
    public int CommandTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Seconds a SQLite statement waits for another connection's lock before it fails, so that a
    /// locked store answers UNAVAILABLE soon instead of holding the call (SQLite's only timeout).
    /// </summary>
    public int BusyTimeoutSeconds { get; set; } = 10;
}
