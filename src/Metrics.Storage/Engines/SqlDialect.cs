namespace Metrics.Storage.Engines;

/// <summary>
/// The statements that differ between SQLite and SQL Server: mostly those that read a batch of
/// rows from one JSON array (json_each, OPENJSON). Every other statement is written once, in the
/// SQL both engines share, beside the repository method that runs it. On SQL Server a stored id
/// compared with one read from JSON says its collation, so that the database's default collation
/// (which OPENJSON's columns take) never conflicts with the column's binary one.
/// </summary>
public sealed class SqlDialect
{
    public static readonly SqlDialect Sqlite = new()
    {
        Engine = DatabaseEngine.Sqlite,
        InsertImportBatch = """
            INSERT INTO import_batch (kind, source, force_code, started_at_ms, subject, versioned, undoes_import_id)
            VALUES (@Kind, @Source, @ForceCode, @StartedAtMs, @Subject, @Versioned, @UndoesImportId)
            RETURNING id;
            """,
        ListImports = """
            SELECT
            """ + BatchColumns + """

            FROM import_batch AS b
            WHERE b.id < @Before
            ORDER BY b.id DESC
            LIMIT @Limit;
            """,
        InsertEventsIfNew = """
            INSERT INTO operational_event (source, event_id, kind, occurred_at_ms, received_at_ms, late, subject_id, line, area_code, grade, wait_ms)
            SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10
            FROM json_each(@Rows)
            WHERE true
            ON CONFLICT (source, event_id) DO NOTHING
            RETURNING source, event_id, event_sequence;
            """,
        SelectStoredEvents = """
            SELECT e.event_sequence, e.source, e.event_id, e.kind, e.occurred_at_ms, e.late, e.subject_id, e.line, e.area_code, e.grade, e.wait_ms
            FROM json_each(@Keys) AS k
            JOIN operational_event AS e ON e.source = k.value ->> 0 AND e.event_id = k.value ->> 1;
            """,
        SelectEventsAfter = """
            SELECT event_sequence, source, event_id, kind, occurred_at_ms, late, subject_id, line, area_code, grade, wait_ms
            FROM operational_event
            WHERE event_sequence > @After
            ORDER BY event_sequence
            LIMIT @Limit;
            """,
        DeleteObservationCells = """
            DELETE FROM observation
            WHERE rowid IN (
                SELECT o.rowid
                FROM json_each(@Cells) AS c
                JOIN observation AS o
                  ON o.measure_id = c.value ->> 0 AND o.area_code = c.value ->> 1
                 AND o.period_start = c.value ->> 2 AND o.period_months = c.value ->> 3);
            """,
        InsertObservations = """
            INSERT INTO observation (measure_id, area_code, breakdown, period_start, period_months, value, numerator, denominator, import_id)
            SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, COALESCE(value ->> 8, @ImportId)
            FROM json_each(@Rows);
            """,
        SelectCellFigures = """
            SELECT o.measure_id, o.area_code, o.breakdown, o.period_start, o.period_months, o.value, o.numerator, o.denominator, o.import_id
            FROM json_each(@Cells) AS c
            JOIN observation AS o
              ON o.measure_id = c.value ->> 0 AND o.area_code = c.value ->> 1
             AND o.period_start = c.value ->> 2 AND o.period_months = c.value ->> 3;
            """,
        InsertImportCells = """
            INSERT INTO import_cell (import_id, measure_id, area_code, period_start, period_months)
            SELECT DISTINCT @ImportId, value ->> 0, value ->> 1, value ->> 2, value ->> 3
            FROM json_each(@Cells);
            """,
        CopyReplacedFigures = """
            INSERT INTO replaced_observation
                (import_id, measure_id, area_code, breakdown, period_start, period_months, value, numerator, denominator, written_by_import_id)
            SELECT @ImportId, o.measure_id, o.area_code, o.breakdown, o.period_start, o.period_months, o.value, o.numerator, o.denominator, o.import_id
            FROM json_each(@Cells) AS c
            JOIN observation AS o
              ON o.measure_id = c.value ->> 0 AND o.area_code = c.value ->> 1
             AND o.period_start = c.value ->> 2 AND o.period_months = c.value ->> 3;
            """,
        UpdateMeasures = """
            UPDATE measure
            SET name = j.value ->> 1, section = j.value ->> 2, topic = j.value ->> 3, unit = j.value ->> 4, polarity = j.value ->> 5,
                reporting_rule = j.value ->> 6, breakdown_kind = j.value ->> 7, rate_base = j.value ->> 8,
                part_of_measure_id = j.value ->> 9, description = j.value ->> 10, force_code = j.value ->> 11
            FROM json_each(@Rows) AS j
            WHERE measure.id = j.value ->> 0;
            """,
        InsertMeasures = """
            INSERT INTO measure (id, name, section, topic, unit, polarity, reporting_rule, breakdown_kind, rate_base, part_of_measure_id, description, force_code, sort_order)
            SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6,
                   j.value ->> 7, j.value ->> 8, j.value ->> 9, j.value ->> 10, j.value ->> 11, (SELECT COALESCE(MAX(sort_order), 0) FROM measure) + j.key + 1
            FROM json_each(@Rows) AS j
            WHERE NOT EXISTS (SELECT 1 FROM measure AS m WHERE m.id = j.value ->> 0);
            """,
        UpdateAreas = """
            UPDATE area
            SET name = j.value ->> 1, kind = j.value ->> 2, parent_code = j.value ->> 3, population = j.value ->> 4,
                households = j.value ->> 5, population_vintage = j.value ->> 6, falls_within = j.value ->> 7
            FROM json_each(@Rows) AS j
            WHERE area.code = j.value ->> 0;
            """,
        InsertAreas = """
            INSERT INTO area (code, name, kind, parent_code, population, households, population_vintage, falls_within, sort_order)
            SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6, j.value ->> 7,
                   (SELECT COALESCE(MAX(sort_order), 0) FROM area) + j.key + 1
            FROM json_each(@Rows) AS j
            WHERE NOT EXISTS (SELECT 1 FROM area AS a WHERE a.code = j.value ->> 0);
            """,
        ReplacePeers = """
            DELETE FROM area_peer WHERE area_code IN (SELECT value FROM json_each(@Codes));
            INSERT INTO area_peer (area_code, peer_name, sort_order)
            SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(@Rows);
            """,
        ReplaceDistricts = """
            DELETE FROM area_district WHERE area_code IN (SELECT value FROM json_each(@Codes));
            INSERT INTO area_district (area_code, district)
            SELECT value ->> 0, value ->> 1 FROM json_each(@Rows);
            """,
    };

    public static readonly SqlDialect SqlServer = new()
    {
        Engine = DatabaseEngine.SqlServer,
        InsertImportBatch = """
            INSERT INTO import_batch (kind, source, force_code, started_at_ms, subject, versioned, undoes_import_id)
            OUTPUT INSERTED.id
            VALUES (@Kind, @Source, @ForceCode, @StartedAtMs, @Subject, @Versioned, @UndoesImportId);
            """,
        ListImports = """
            SELECT TOP (@Limit)
            """ + BatchColumns + """

            FROM import_batch AS b
            WHERE b.id < @Before
            ORDER BY b.id DESC;
            """,
        InsertEventsIfNew = """
            INSERT INTO operational_event (source, event_id, kind, occurred_at_ms, received_at_ms, late, subject_id, line, area_code, grade, wait_ms)
            OUTPUT INSERTED.source, INSERTED.event_id, INSERTED.event_sequence
            SELECT e.source, e.event_id, e.kind, e.occurred_at_ms, e.received_at_ms, e.late, e.subject_id, e.line, e.area_code, e.grade, e.wait_ms
            FROM OPENJSON(@Rows) AS r
            CROSS APPLY OPENJSON(r.value) WITH (
                source NVARCHAR(100) '$[0]', event_id NVARCHAR(100) '$[1]', kind INT '$[2]', occurred_at_ms BIGINT '$[3]', received_at_ms BIGINT '$[4]', late BIT '$[5]',
                subject_id NVARCHAR(100) '$[6]', line INT '$[7]', area_code NVARCHAR(100) '$[8]', grade INT '$[9]', wait_ms BIGINT '$[10]') AS e
            WHERE NOT EXISTS (
                SELECT 1 FROM operational_event AS stored WITH (UPDLOCK, HOLDLOCK)
                WHERE stored.source = e.source COLLATE Latin1_General_100_BIN2 AND stored.event_id = e.event_id COLLATE Latin1_General_100_BIN2)
            ORDER BY CAST(r.[key] AS INT);
            """,
        SelectStoredEvents = """
            SELECT e.event_sequence, e.source, e.event_id, e.kind, e.occurred_at_ms, e.late, e.subject_id, e.line, e.area_code, e.grade, e.wait_ms
            FROM OPENJSON(@Keys) WITH (source NVARCHAR(100) '$[0]', event_id NVARCHAR(100) '$[1]') AS k
            JOIN operational_event AS e
              ON e.source = k.source COLLATE Latin1_General_100_BIN2 AND e.event_id = k.event_id COLLATE Latin1_General_100_BIN2;
            """,
        SelectEventsAfter = """
            SELECT TOP (@Limit) event_sequence, source, event_id, kind, occurred_at_ms, late, subject_id, line, area_code, grade, wait_ms
            FROM operational_event
            WHERE event_sequence > @After
            ORDER BY event_sequence;
            """,
        DeleteObservationCells = """
            DELETE o
            FROM observation AS o
            JOIN OPENJSON(@Cells) WITH (
                measure_id NVARCHAR(100) '$[0]', area_code NVARCHAR(100) '$[1]', period_start INT '$[2]', period_months INT '$[3]') AS c
              ON o.measure_id = c.measure_id COLLATE Latin1_General_100_BIN2 AND o.area_code = c.area_code COLLATE Latin1_General_100_BIN2
             AND o.period_start = c.period_start AND o.period_months = c.period_months;
            """,
        InsertObservations = """
            INSERT INTO observation (measure_id, area_code, breakdown, period_start, period_months, value, numerator, denominator, import_id)
            SELECT r.measure_id, r.area_code, r.breakdown, r.period_start, r.period_months, r.value, r.numerator, r.denominator,
                   COALESCE(r.import_id, @ImportId)
            FROM OPENJSON(@Rows) WITH (
                measure_id NVARCHAR(100) '$[0]', area_code NVARCHAR(100) '$[1]', breakdown NVARCHAR(200) '$[2]', period_start INT '$[3]',
                period_months INT '$[4]', value FLOAT '$[5]', numerator FLOAT '$[6]', denominator FLOAT '$[7]', import_id BIGINT '$[8]') AS r;
            """,
        SelectCellFigures = """
            SELECT o.measure_id, o.area_code, o.breakdown, o.period_start, o.period_months, o.value, o.numerator, o.denominator, o.import_id
            FROM OPENJSON(@Cells) WITH (
                measure_id NVARCHAR(100) '$[0]', area_code NVARCHAR(100) '$[1]', period_start INT '$[2]', period_months INT '$[3]') AS c
            JOIN observation AS o WITH (UPDLOCK, HOLDLOCK)
              ON o.measure_id = c.measure_id COLLATE Latin1_General_100_BIN2 AND o.area_code = c.area_code COLLATE Latin1_General_100_BIN2
             AND o.period_start = c.period_start AND o.period_months = c.period_months;
            """,
        InsertImportCells = """
            INSERT INTO import_cell (import_id, measure_id, area_code, period_start, period_months)
            SELECT DISTINCT @ImportId, c.measure_id, c.area_code, c.period_start, c.period_months
            FROM OPENJSON(@Cells) WITH (
                measure_id NVARCHAR(100) '$[0]', area_code NVARCHAR(100) '$[1]', period_start INT '$[2]', period_months INT '$[3]') AS c;
            """,
        CopyReplacedFigures = """
            INSERT INTO replaced_observation
                (import_id, measure_id, area_code, breakdown, period_start, period_months, value, numerator, denominator, written_by_import_id)
            SELECT @ImportId, o.measure_id, o.area_code, o.breakdown, o.period_start, o.period_months, o.value, o.numerator, o.denominator, o.import_id
            FROM OPENJSON(@Cells) WITH (
                measure_id NVARCHAR(100) '$[0]', area_code NVARCHAR(100) '$[1]', period_start INT '$[2]', period_months INT '$[3]') AS c
            JOIN observation AS o
              ON o.measure_id = c.measure_id COLLATE Latin1_General_100_BIN2 AND o.area_code = c.area_code COLLATE Latin1_General_100_BIN2
             AND o.period_start = c.period_start AND o.period_months = c.period_months;
            """,
        UpdateMeasures = """
            UPDATE m
            SET name = j.name, section = j.section, topic = j.topic, unit = j.unit, polarity = j.polarity, reporting_rule = j.reporting_rule,
                breakdown_kind = j.breakdown_kind, rate_base = j.rate_base, part_of_measure_id = j.part_of_measure_id, description = j.description,
                force_code = j.force_code
            FROM measure AS m
            JOIN OPENJSON(@Rows) WITH (
                id NVARCHAR(100) '$[0]', name NVARCHAR(200) '$[1]', section NVARCHAR(200) '$[2]', topic NVARCHAR(200) '$[3]', unit INT '$[4]',
                polarity INT '$[5]', reporting_rule INT '$[6]', breakdown_kind NVARCHAR(100) '$[7]', rate_base INT '$[8]',
                part_of_measure_id NVARCHAR(100) '$[9]', description NVARCHAR(1000) '$[10]', force_code NVARCHAR(100) '$[11]') AS j
              ON m.id = j.id COLLATE Latin1_General_100_BIN2;
            """,
        InsertMeasures = """
            INSERT INTO measure (id, name, section, topic, unit, polarity, reporting_rule, breakdown_kind, rate_base, part_of_measure_id, description, force_code, sort_order)
            SELECT j.id, j.name, j.section, j.topic, j.unit, j.polarity, j.reporting_rule, j.breakdown_kind, j.rate_base, j.part_of_measure_id, j.description,
                   j.force_code, (SELECT COALESCE(MAX(sort_order), 0) FROM measure) + CAST(r.[key] AS INT) + 1
            FROM OPENJSON(@Rows) AS r
            CROSS APPLY OPENJSON(r.value) WITH (
                id NVARCHAR(100) '$[0]', name NVARCHAR(200) '$[1]', section NVARCHAR(200) '$[2]', topic NVARCHAR(200) '$[3]', unit INT '$[4]',
                polarity INT '$[5]', reporting_rule INT '$[6]', breakdown_kind NVARCHAR(100) '$[7]', rate_base INT '$[8]',
                part_of_measure_id NVARCHAR(100) '$[9]', description NVARCHAR(1000) '$[10]', force_code NVARCHAR(100) '$[11]') AS j
            WHERE NOT EXISTS (SELECT 1 FROM measure AS m WHERE m.id = j.id COLLATE Latin1_General_100_BIN2);
            """,
        UpdateAreas = """
            UPDATE a
            SET name = j.name, kind = j.kind, parent_code = j.parent_code, population = j.population, households = j.households,
                population_vintage = j.population_vintage, falls_within = j.falls_within
            FROM area AS a
            JOIN OPENJSON(@Rows) WITH (
                code NVARCHAR(100) '$[0]', name NVARCHAR(200) '$[1]', kind INT '$[2]', parent_code NVARCHAR(100) '$[3]',
                population BIGINT '$[4]', households BIGINT '$[5]', population_vintage NVARCHAR(200) '$[6]', falls_within NVARCHAR(1000) '$[7]') AS j
              ON a.code = j.code COLLATE Latin1_General_100_BIN2;
            """,
        InsertAreas = """
            INSERT INTO area (code, name, kind, parent_code, population, households, population_vintage, falls_within, sort_order)
            SELECT j.code, j.name, j.kind, j.parent_code, j.population, j.households, j.population_vintage, j.falls_within,
                   (SELECT COALESCE(MAX(sort_order), 0) FROM area) + CAST(r.[key] AS INT) + 1
            FROM OPENJSON(@Rows) AS r
            CROSS APPLY OPENJSON(r.value) WITH (
                code NVARCHAR(100) '$[0]', name NVARCHAR(200) '$[1]', kind INT '$[2]', parent_code NVARCHAR(100) '$[3]',
                population BIGINT '$[4]', households BIGINT '$[5]', population_vintage NVARCHAR(200) '$[6]', falls_within NVARCHAR(1000) '$[7]') AS j
            WHERE NOT EXISTS (SELECT 1 FROM area AS a WHERE a.code = j.code COLLATE Latin1_General_100_BIN2);
            """,
        ReplacePeers = """
            DELETE FROM area_peer WHERE area_code IN (SELECT code COLLATE Latin1_General_100_BIN2 FROM OPENJSON(@Codes) WITH (code NVARCHAR(100) '$'));
            INSERT INTO area_peer (area_code, peer_name, sort_order)
            SELECT area_code, peer_name, sort_order
            FROM OPENJSON(@Rows) WITH (area_code NVARCHAR(100) '$[0]', peer_name NVARCHAR(200) '$[1]', sort_order INT '$[2]');
            """,
        ReplaceDistricts = """
            DELETE FROM area_district WHERE area_code IN (SELECT code COLLATE Latin1_General_100_BIN2 FROM OPENJSON(@Codes) WITH (code NVARCHAR(100) '$'));
            INSERT INTO area_district (area_code, district)
            SELECT area_code, district
            FROM OPENJSON(@Rows) WITH (area_code NVARCHAR(100) '$[0]', district NVARCHAR(200) '$[1]');
            """,
    };

    /// <summary>An import batch's columns as <see cref="Repositories.ImportRepository"/> reads them, from import_batch AS b.</summary>
    public const string BatchColumns = """
            b.id, b.kind, b.source, b.force_code, b.started_at_ms, b.finished_at_ms, b.rows_read, b.rows_rejected, b.observations_written,
            b.subject, b.versioned, b.undoes_import_id, b.figures_added, b.figures_changed, b.figures_removed, b.figures_unchanged,
            (SELECT MAX(u.id) FROM import_batch AS u WHERE u.undoes_import_id = b.id) AS undone_by_import_id
        """;

    public required DatabaseEngine Engine { get; init; }

    /// <summary>Inserts an import batch and returns its identity.</summary>
    public required string InsertImportBatch { get; init; }

    /// <summary>The newest import batches before (older than) batch @Before, @Limit of them.</summary>
    public required string ListImports { get; init; }

    /// <summary>
    /// Stores the events of @Rows (a JSON array of rows, each an array of the
    /// <see cref="EventColumns"/>; distinct identities), each unless its source and id are stored
    /// already, returning the source, id and sequence number of each one stored (none for a
    /// repeat); sequence numbers follow the rows' order. On SQL Server the identities' ranges stay
    /// locked to the end of the transaction, so two batches cannot both insert the same new one.
    /// </summary>
    public required string InsertEventsIfNew { get; init; }

    /// <summary>The stored events of @Keys (a JSON array of [source, event_id]), to compare a repeat with.</summary>
    public required string SelectStoredEvents { get; init; }

    /// <summary>The columns of an event's row, in the order of the rows' arrays.</summary>
    public static IReadOnlyList<string> EventColumns { get; } =
        ["source", "event_id", "kind", "occurred_at_ms", "received_at_ms", "late", "subject_id", "line", "area_code", "grade", "wait_ms"];

    /// <summary>Stored events after @After in arrival order, @Limit of them.</summary>
    public required string SelectEventsAfter { get; init; }

    /// <summary>
    /// Deletes every stored figure, whatever its breakdown, of the cells in @Cells (a JSON array
    /// of [measure_id, area_code, period_start, period_months]).
    /// </summary>
    public required string DeleteObservationCells { get; init; }

    /// <summary>
    /// Inserts the figures of @Rows (a JSON array of [measure_id, area_code, breakdown,
    /// period_start, period_months, value, numerator, denominator, import_id]) for import
    /// @ImportId, or for the row's own import when it has one (a figure an undo restores keeps
    /// the batch that wrote it).
    /// </summary>
    public required string InsertObservations { get; init; }

    /// <summary>
    /// Every stored figure of the cells in @Cells, with the batch that wrote it; on SQL Server they
    /// stay locked to the end of the transaction, so what a batch replaces is what it read.
    /// </summary>
    public required string SelectCellFigures { get; init; }

    /// <summary>Records the cells of @Cells as the scope of import @ImportId.</summary>
    public required string InsertImportCells { get; init; }

    /// <summary>Keeps, as import @ImportId's replaced figures, every stored figure of the cells in @Cells.</summary>
    public required string CopyReplacedFigures { get; init; }

    /// <summary>
    /// Updates the stored measures named in @Rows (a JSON array of [id, name, section, topic, unit,
    /// polarity, reporting_rule, breakdown_kind, rate_base, part_of_measure_id, description, force_code]).
    /// </summary>
    public required string UpdateMeasures { get; init; }

    /// <summary>Inserts the measures of @Rows not stored yet, after the others in the catalogue's order, in the rows' order.</summary>
    public required string InsertMeasures { get; init; }

    /// <summary>
    /// Updates the stored areas named in @Rows (a JSON array of [code, name, kind, parent_code,
    /// population, households, population_vintage, falls_within]).
    /// </summary>
    public required string UpdateAreas { get; init; }

    /// <summary>Inserts the areas of @Rows not stored yet, after the others, in the rows' order.</summary>
    public required string InsertAreas { get; init; }

    /// <summary>Replaces the peers of the areas in @Codes (a JSON array of codes) with @Rows ([area_code, peer_name, sort_order]).</summary>
    public required string ReplacePeers { get; init; }

    /// <summary>Replaces the districts of the areas in @Codes with @Rows ([area_code, district]).</summary>
    public required string ReplaceDistricts { get; init; }

    public static SqlDialect For(DatabaseEngine engine) => engine == DatabaseEngine.SqlServer ? SqlServer : Sqlite;
}
