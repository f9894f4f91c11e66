-- Retiring a measure or an area hides it from lists and pages and keeps its history; the batch
-- that retired it (or brought it back) is recorded, so that it can be undone like any other.
ALTER TABLE measure ADD COLUMN retired_by_import_id INTEGER NULL REFERENCES import_batch (id);
ALTER TABLE area ADD COLUMN retired_by_import_id INTEGER NULL REFERENCES import_batch (id);

-- What a batch retired (retired = 1) or brought back (retired = 0): subject_kind is 'measure' or 'area'.
CREATE TABLE import_retirement (
    import_id    INTEGER NOT NULL REFERENCES import_batch (id),
    subject_kind TEXT    NOT NULL,
    subject_key  TEXT    NOT NULL,
    retired      INTEGER NOT NULL,
    PRIMARY KEY (import_id, subject_kind, subject_key)
);

CREATE INDEX ix_import_retirement_subject ON import_retirement (subject_kind, subject_key, import_id);
