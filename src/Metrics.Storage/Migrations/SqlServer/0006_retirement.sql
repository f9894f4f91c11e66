-- Retiring a measure or an area hides it from lists and pages and keeps its history; the batch
-- that retired it (or brought it back) is recorded, so that it can be undone like any other.
ALTER TABLE measure ADD retired_by_import_id BIGINT NULL CONSTRAINT fk_measure_retired_by FOREIGN KEY REFERENCES import_batch (id);
ALTER TABLE area ADD retired_by_import_id BIGINT NULL CONSTRAINT fk_area_retired_by FOREIGN KEY REFERENCES import_batch (id);

-- What a batch retired (retired = 1) or brought back (retired = 0): subject_kind is 'measure' or 'area'.
CREATE TABLE import_retirement (
    import_id    BIGINT        NOT NULL,
    subject_kind NVARCHAR(20)  NOT NULL,
    subject_key  NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    retired      BIT           NOT NULL,
    CONSTRAINT pk_import_retirement PRIMARY KEY (import_id, subject_kind, subject_key),
    CONSTRAINT fk_import_retirement_import FOREIGN KEY (import_id) REFERENCES import_batch (id)
);

CREATE INDEX ix_import_retirement_subject ON import_retirement (subject_kind, subject_key, import_id);
