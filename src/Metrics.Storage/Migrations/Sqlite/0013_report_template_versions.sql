-- A report template is changed by batches, like the figures: each batch that defines (or undoes)
-- a force's template is listed, with the template as it was before it, so it can be undone.
CREATE TABLE report_template_batch (
    import_id  INTEGER NOT NULL PRIMARY KEY REFERENCES import_batch (id),
    force_code TEXT    NOT NULL REFERENCES area (code)
);

CREATE INDEX ix_report_template_batch_force ON report_template_batch (force_code, import_id);

CREATE TABLE replaced_report_topic (
    import_id      INTEGER NOT NULL REFERENCES import_batch (id),
    position       INTEGER NOT NULL,
    section        TEXT    NOT NULL,
    topic          TEXT    NOT NULL,
    measure_id     TEXT    NOT NULL,
    breakdown      TEXT    NOT NULL,
    noun           TEXT    NOT NULL,
    reporting_rule INTEGER NULL,
    PRIMARY KEY (import_id, position)
);
