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
            """,
        insertEventIfNew: """
            INSERT INTO operational_event (event_id, kind, occurred_at_ms, received_at_ms, late, subject_id, line, area_code, grade, wait_ms)
            VALUES (@EventId, @Kind, @OccurredAtMs, @ReceivedAtMs, @Late, @SubjectId, @Line, @AreaCode, @Grade, @WaitMs)
            ON CONFLICT (event_id) DO NOTHING
            RETURNING event_sequence;
            """,
        selectEventsAfter: """
            SELECT event_sequence, event_id, kind, occurred_at_ms, late, subject_id, line, area_code, grade, wait_ms
            FROM operational_event
            WHERE event_sequence > @After
            ORDER BY event_sequence
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
            """,
        insertEventIfNew: """
            INSERT INTO operational_event (event_id, kind, occurred_at_ms, received_at_ms, late, subject_id, line, area_code, grade, wait_ms)
            OUTPUT INSERTED.event_sequence
            SELECT @EventId, @Kind, @OccurredAtMs, @ReceivedAtMs, @Late, @SubjectId, @Line, @AreaCode, @Grade, @WaitMs
            WHERE NOT EXISTS (SELECT 1 FROM operational_event WITH (UPDLOCK, HOLDLOCK) WHERE event_id = @EventId);
            """,
        selectEventsAfter: """
            SELECT TOP (@Limit) event_sequence, event_id, kind, occurred_at_ms, late, subject_id, line, area_code, grade, wait_ms
            FROM operational_event
            WHERE event_sequence > @After
            ORDER BY event_sequence;
            """);

    private SqlDialect(DatabaseEngine engine, string insertImportBatch, string listImports, string insertEventIfNew, string selectEventsAfter)
    {
        Engine = engine;
        InsertImportBatch = insertImportBatch;
        ListImports = listImports;
        InsertEventIfNew = insertEventIfNew;
        SelectEventsAfter = selectEventsAfter;
    }

    public DatabaseEngine Engine { get; }

    /// <summary>Inserts an import batch and returns its identity.</summary>
    public string InsertImportBatch { get; }

    /// <summary>The newest import batches, @Limit of them.</summary>
    public string ListImports { get; }

    /// <summary>
    /// Stores an event unless its id is stored already, returning its sequence number (no row
    /// for a repeat). On SQL Server the id's range stays locked to the end of the transaction,
    /// so two batches cannot both insert the same new id.
    /// </summary>
    public string InsertEventIfNew { get; }

    /// <summary>Stored events after @After in arrival order, @Limit of them.</summary>
    public string SelectEventsAfter { get; }

    public static SqlDialect For(DatabaseEngine engine) => engine == DatabaseEngine.SqlServer ? SqlServer : Sqlite;
}
