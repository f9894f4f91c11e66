-- Every change to the figures is a version that can be shown and undone: a batch records who
-- made it, the cells it declared (its scope), the figures it replaced there as they were, and
-- how the figures changed. Batches stored before this migration kept none of that (versioned = 0).
ALTER TABLE import_batch ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE import_batch ADD COLUMN versioned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE import_batch ADD COLUMN undoes_import_id INTEGER NULL REFERENCES import_batch (id);
ALTER TABLE import_batch ADD COLUMN figures_added INTEGER NOT NULL DEFAULT 0;
ALTER TABLE import_batch ADD COLUMN figures_changed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE import_batch ADD COLUMN figures_removed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE import_batch ADD COLUMN figures_unchanged INTEGER NOT NULL DEFAULT 0;

CREATE INDEX ix_import_batch_undoes ON import_batch (undoes_import_id);

-- The cells (measure, area, period) a batch replaced, every breakdown of each.
CREATE TABLE import_cell (
    import_id     INTEGER NOT NULL REFERENCES import_batch (id),
    measure_id    TEXT    NOT NULL,
    area_code     TEXT    NOT NULL,
    period_start  INTEGER NOT NULL,
    period_months INTEGER NOT NULL,
    PRIMARY KEY (import_id, measure_id, area_code, period_months, period_start)
);

CREATE INDEX ix_import_cell_cell ON import_cell (measure_id, area_code, period_months, period_start, import_id);

-- The figures a batch replaced, as they were, with the batch that had written each.
CREATE TABLE replaced_observation (
    import_id          INTEGER NOT NULL REFERENCES import_batch (id),
    measure_id         TEXT    NOT NULL,
    area_code          TEXT    NOT NULL,
    breakdown          TEXT    NOT NULL,
    period_start       INTEGER NOT NULL,
    period_months      INTEGER NOT NULL,
    value              REAL    NULL,
    numerator          REAL    NULL,
    denominator        REAL    NULL,
    written_by_import_id INTEGER NOT NULL,
    PRIMARY KEY (import_id, measure_id, area_code, breakdown, period_months, period_start)
);

CREATE INDEX ix_replaced_observation_writer ON replaced_observation (written_by_import_id);
