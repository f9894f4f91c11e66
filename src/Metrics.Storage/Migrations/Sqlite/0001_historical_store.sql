-- The historical store: areas as data, the measure catalogue, import batches, observations.
CREATE TABLE area (
    code               TEXT    NOT NULL PRIMARY KEY,
    name               TEXT    NOT NULL,
    kind               INTEGER NOT NULL,
    parent_code        TEXT    NULL REFERENCES area (code),
    population         INTEGER NULL,
    households         INTEGER NULL,
    population_vintage TEXT    NOT NULL DEFAULT '',
    sort_order         INTEGER NOT NULL
);

CREATE TABLE area_peer (
    area_code  TEXT    NOT NULL REFERENCES area (code),
    peer_name  TEXT    NOT NULL,
    sort_order INTEGER NOT NULL,
    PRIMARY KEY (area_code, peer_name)
);

CREATE TABLE area_district (
    area_code TEXT NOT NULL REFERENCES area (code),
    district  TEXT NOT NULL,
    PRIMARY KEY (area_code, district)
);

CREATE TABLE measure (
    id                 TEXT    NOT NULL PRIMARY KEY,
    name               TEXT    NOT NULL,
    section            TEXT    NOT NULL,
    topic              TEXT    NOT NULL,
    unit               INTEGER NOT NULL,
    polarity           INTEGER NOT NULL,
    reporting_rule     INTEGER NOT NULL,
    breakdown_kind     TEXT    NOT NULL DEFAULT '',
    rate_base          INTEGER NOT NULL,
    part_of_measure_id TEXT    NULL,
    description        TEXT    NOT NULL DEFAULT '',
    sort_order         INTEGER NOT NULL
);

CREATE TABLE import_batch (
    id                   INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    kind                 TEXT    NOT NULL,
    source               TEXT    NOT NULL,
    force_code           TEXT    NOT NULL,
    started_at_ms        INTEGER NOT NULL,
    finished_at_ms       INTEGER NULL,
    rows_read            INTEGER NOT NULL DEFAULT 0,
    rows_rejected        INTEGER NOT NULL DEFAULT 0,
    observations_written INTEGER NOT NULL DEFAULT 0
);

-- period_start is yyyymm; period_months is 1 for a month, 3 for a quarter or rolling
-- 3 months, 12 for a financial year. breakdown is '' for the measure's total.
CREATE TABLE observation (
    measure_id    TEXT    NOT NULL REFERENCES measure (id),
    area_code     TEXT    NOT NULL REFERENCES area (code),
    breakdown     TEXT    NOT NULL,
    period_start  INTEGER NOT NULL,
    period_months INTEGER NOT NULL,
    value         REAL    NULL,
    numerator     REAL    NULL,
    denominator   REAL    NULL,
    import_id     INTEGER NOT NULL REFERENCES import_batch (id),
    PRIMARY KEY (measure_id, area_code, breakdown, period_months, period_start)
);

CREATE INDEX ix_observation_month ON observation (period_months, period_start, measure_id, area_code);
