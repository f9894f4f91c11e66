namespace Metrics.Storage.Engines;

/// <summary>
/// The few statements that differ between SQLite and SQL Server. Every other statement is
/// written once, in the SQL both engines share, beside the repository method that runs it.
/// </summary>
public sealed class SqlDialect
{
    public static readonly SqlDialect Sqlite = new(
        DatabaseEngine.Sqlite,
        insertImportBatch: """
            INSERT INTO import_batch (kind, source, force_code, started_at_ms)
            VALUES (@Kind, @Source, @ForceCode, @StartedAtMs)
            RETURNING id;
            """,
        listImports: """
            SELECT id, kind, source, force_code, started_at_ms, finished_at_ms, rows_read, rows_rejected, observations_written
            FROM import_batch
            ORDER BY id DESC
            LIMIT @Limit;
            """);

    public static readonly SqlDialect SqlServer = new(
        DatabaseEngine.SqlServer,
        insertImportBatch: """
            INSERT INTO import_batch (kind, source, force_code, started_at_ms)
            OUTPUT INSERTED.id
            VALUES (@Kind, @Source, @ForceCode, @StartedAtMs);
            """,
        listImports: """
            SELECT TOP (@Limit) id, kind, source, force_code, started_at_ms, finished_at_ms, rows_read, rows_rejected, observations_written
            FROM import_batch
            ORDER BY id DESC;
            """);

    private SqlDialect(DatabaseEngine engine, string insertImportBatch, string listImports)
    {
        Engine = engine;
        InsertImportBatch = insertImportBatch;
        ListImports = listImports;
    }

    public DatabaseEngine Engine { get; }

    /// <summary>Inserts an import batch and returns its identity.</summary>
    public string InsertImportBatch { get; }

    /// <summary>The newest import batches, @Limit of them.</summary>
    public string ListImports { get; }

    public static SqlDialect For(DatabaseEngine engine) => engine == DatabaseEngine.SqlServer ? SqlServer : Sqlite;
}
