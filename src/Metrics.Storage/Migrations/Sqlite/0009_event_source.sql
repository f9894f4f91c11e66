-- An event is identified by its source (the publishing system) and its id there, not by its id
-- alone: two systems may use the same ids. SQLite cannot change a table's unique constraint in
-- place, so the table is rebuilt with its rows, their sequence numbers kept. Events stored
-- before sources were recorded have the empty source.
CREATE TABLE operational_event_by_source (
    event_sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    source         TEXT    NOT NULL,
    event_id       TEXT    NOT NULL,
    kind           INTEGER NOT NULL,
    occurred_at_ms INTEGER NOT NULL,
    received_at_ms INTEGER NOT NULL,
    late           INTEGER NOT NULL,
    subject_id     TEXT    NOT NULL,
    line           INTEGER NULL,
    area_code      TEXT    NULL,
    grade          INTEGER NULL,
    wait_ms        INTEGER NULL,
    UNIQUE (source, event_id)
);

INSERT INTO operational_event_by_source
    (event_sequence, source, event_id, kind, occurred_at_ms, received_at_ms, late, subject_id, line, area_code, grade, wait_ms)
SELECT event_sequence, '', event_id, kind, occurred_at_ms, received_at_ms, late, subject_id, line, area_code, grade, wait_ms
FROM operational_event;

DROP TABLE operational_event;

ALTER TABLE operational_event_by_source RENAME TO operational_event;
