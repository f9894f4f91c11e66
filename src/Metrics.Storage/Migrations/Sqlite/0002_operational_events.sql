-- Operational events as published, in the order they arrived: the live figures are rebuilt
-- from them at start, and the hourly captures read them.
CREATE TABLE operational_event (
    event_sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id       TEXT    NOT NULL UNIQUE,
    kind           INTEGER NOT NULL,
    occurred_at_ms INTEGER NOT NULL,
    received_at_ms INTEGER NOT NULL,
    late           INTEGER NOT NULL,
    subject_id     TEXT    NOT NULL,
    line           INTEGER NULL,
    area_code      TEXT    NULL,
    grade          INTEGER NULL,
    wait_ms        INTEGER NULL
);

CREATE INDEX ix_operational_event_occurred ON operational_event (occurred_at_ms);
