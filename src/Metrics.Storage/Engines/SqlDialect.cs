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
        insertEventsIfNew: """
            INSERT INTO operational_event (event_id, kind, occurred_at_ms, received_at_ms, late, subject_id, line, area_code, grade, wait_ms)
            SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9
            FROM json_each(@Rows)
            WHERE true
            ON CONFLICT (event_id) DO NOTHING
            RETURNING event_id, event_sequence;
            """,
        selectEventsAfter: """
            SELECT event_sequence, event_id, kind, occurred_at_ms, late, subject_id, line, area_code, grade, wait_ms
            FROM operational_event
            WHERE event_sequence > @After
            ORDER BY event_sequence
            LIMIT @Limit;
            """,
        deleteObservationCells: """
            DELETE FROM observation
            WHERE rowid IN (
                SELECT o.rowid
                FROM json_each(@Cells) AS c
                JOIN observation AS o
                  ON o.measure_id = c.value ->> 0 AND o.area_code = c.value ->> 1
                 AND o.period_start = c.value ->> 2 AND o.period_months = c.value ->> 3);
            """,
        insertObservations: """
            INSERT INTO observation (measure_id, area_code, breakdown, period_start, period_months, value, numerator, denominator, import_id)
            SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, @ImportId
            FROM json_each(@Rows);
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
        insertEventsIfNew: """
            INSERT INTO operational_event (event_id, kind, occurred_at_ms, received_at_ms, late, subject_id, line, area_code, grade, wait_ms)
            OUTPUT INSERTED.event_id, INSERTED.event_sequence
            SELECT e.event_id, e.kind, e.occurred_at_ms, e.received_at_ms, e.late, e.subject_id, e.line, e.area_code, e.grade, e.wait_ms
            FROM OPENJSON(@Rows) AS r
            CROSS APPLY OPENJSON(r.value) WITH (
                event_id NVARCHAR(100) '$[0]', kind INT '$[1]', occurred_at_ms BIGINT '$[2]', received_at_ms BIGINT '$[3]', late BIT '$[4]',
                subject_id NVARCHAR(100) '$[5]', line INT '$[6]', area_code NVARCHAR(100) '$[7]', grade INT '$[8]', wait_ms BIGINT '$[9]') AS e
            WHERE NOT EXISTS (
                SELECT 1 FROM operational_event AS stored WITH (UPDLOCK, HOLDLOCK)
                WHERE stored.event_id = e.event_id COLLATE Latin1_General_100_BIN2)
            ORDER BY CAST(r.[key] AS INT);
            """,
        selectEventsAfter: """
            SELECT TOP (@Limit) event_sequence, event_id, kind, occurred_at_ms, late, subject_id, line, area_code, grade, wait_ms
            FROM operational_event
            WHERE event_sequence > @After
            ORDER BY event_sequence;
            """,
        deleteObservationCells: """
            DELETE o
            FROM observation AS o
            JOIN OPENJSON(@Cells) WITH (
                measure_id NVARCHAR(100) '$[0]', area_code NVARCHAR(100) '$[1]', period_start INT '$[2]', period_months INT '$[3]') AS c
              ON o.measure_id = c.measure_id COLLATE Latin1_General_100_BIN2 AND o.area_code = c.area_code COLLATE Latin1_General_100_BIN2
             AND o.period_start = c.period_start AND o.period_months = c.period_months;
            """,
        insertObservations: """
            INSERT INTO observation (measure_id, area_code, breakdown, period_start, period_months, value, numerator, denominator, import_id)
            SELECT r.measure_id, r.area_code, r.breakdown, r.period_start, r.period_months, r.value, r.numerator, r.denominator, @ImportId
            FROM OPENJSON(@Rows) WITH (
                measure_id NVARCHAR(100) '$[0]', area_code NVARCHAR(100) '$[1]', breakdown NVARCHAR(200) '$[2]', period_start INT '$[3]',
                period_months INT '$[4]', value FLOAT '$[5]', numerator FLOAT '$[6]', denominator FLOAT '$[7]') AS r;
            """);

    private SqlDialect(
        DatabaseEngine engine, string insertImportBatch, string listImports, string insertEventsIfNew, string selectEventsAfter,
        string deleteObservationCells, string insertObservations)
    {
        DeleteObservationCells = deleteObservationCells;
        InsertObservations = insertObservations;
        Engine = engine;
        InsertImportBatch = insertImportBatch;
        ListImports = listImports;
        InsertEventsIfNew = insertEventsIfNew;
        SelectEventsAfter = selectEventsAfter;
    }

    public DatabaseEngine Engine { get; }

    /// <summary>Inserts an import batch and returns its identity.</summary>
    public string InsertImportBatch { get; }

    /// <summary>The newest import batches, @Limit of them.</summary>
    public string ListImports { get; }

    /// <summary>
    /// Stores the events of @Rows (a JSON array of rows, each an array of the
    /// <see cref="EventColumns"/>; distinct ids), each unless its id is stored already, returning
    /// the id and sequence number of each one stored (none for a repeat); sequence numbers follow
    /// the rows' order. On SQL Server the ids' ranges stay locked to the end of the transaction,
    /// so two batches cannot both insert the same new id.
    /// </summary>
    public string InsertEventsIfNew { get; }

    /// <summary>The columns of an event's row, in the order of the rows' arrays.</summary>
    public static IReadOnlyList<string> EventColumns { get; } =
        ["event_id", "kind", "occurred_at_ms", "received_at_ms", "late", "subject_id", "line", "area_code", "grade", "wait_ms"];

    /// <summary>Stored events after @After in arrival order, @Limit of them.</summary>
    public string SelectEventsAfter { get; }

    /// <summary>
    /// Deletes every stored figure, whatever its breakdown, of the cells in @Cells (a JSON array
    /// of [measure_id, area_code, period_start, period_months]).
    /// </summary>
    public string DeleteObservationCells { get; }

    /// <summary>
    /// Inserts the figures of @Rows (a JSON array of [measure_id, area_code, breakdown,
    /// period_start, period_months, value, numerator, denominator]) for import @ImportId.
    /// </summary>
    public string InsertObservations { get; }

    public static SqlDialect For(DatabaseEngine engine) => engine == DatabaseEngine.SqlServer ? SqlServer : Sqlite;
}
