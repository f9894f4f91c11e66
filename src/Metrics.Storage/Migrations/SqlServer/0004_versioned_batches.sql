-- Every change to the figures is a version that can be shown and undone: a batch records who
-- made it, the cells it declared (its scope), the figures it replaced there as they were, and
-- how the figures changed. Batches stored before this migration kept none of that (versioned = 0).
ALTER TABLE import_batch ADD
    subject           NVARCHAR(200) NOT NULL CONSTRAINT df_import_batch_subject DEFAULT N'',
    versioned         BIT           NOT NULL CONSTRAINT df_import_batch_versioned DEFAULT 0,
    undoes_import_id  BIGINT        NULL CONSTRAINT fk_import_batch_undoes FOREIGN KEY REFERENCES import_batch (id),
    figures_added     BIGINT        NOT NULL CONSTRAINT df_import_batch_figures_added DEFAULT 0,
    figures_changed   BIGINT        NOT NULL CONSTRAINT df_import_batch_figures_changed DEFAULT 0,
    figures_removed   BIGINT        NOT NULL CONSTRAINT df_import_batch_figures_removed DEFAULT 0,
    figures_unchanged BIGINT        NOT NULL CONSTRAINT df_import_batch_figures_unchanged DEFAULT 0;

CREATE INDEX ix_import_batch_undoes ON import_batch (undoes_import_id);

-- The cells (measure, area, period) a batch replaced, every breakdown of each.
CREATE TABLE import_cell (
    import_id     BIGINT        NOT NULL,
    measure_id    NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    area_code     NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    period_start  INT           NOT NULL,
    period_months INT           NOT NULL,
    CONSTRAINT pk_import_cell PRIMARY KEY (import_id, measure_id, area_code, period_months, period_start),
    CONSTRAINT fk_import_cell_import FOREIGN KEY (import_id) REFERENCES import_batch (id)
);

CREATE INDEX ix_import_cell_cell ON import_cell (measure_id, area_code, period_months, period_start, import_id);

-- The figures a batch replaced, as they were, with the batch that had written each.
CREATE TABLE replaced_observation (
    import_id            BIGINT        NOT NULL,
    measure_id           NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    area_code            NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    breakdown            NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    period_start         INT           NOT NULL,
    period_months        INT           NOT NULL,
    value                FLOAT         NULL,
    numerator            FLOAT         NULL,
    denominator          FLOAT         NULL,
    written_by_import_id BIGINT        NOT NULL,
    CONSTRAINT pk_replaced_observation PRIMARY KEY (import_id, measure_id, area_code, breakdown, period_months, period_start),
    CONSTRAINT fk_replaced_observation_import FOREIGN KEY (import_id) REFERENCES import_batch (id)
);

CREATE INDEX ix_replaced_observation_writer ON replaced_observation (written_by_import_id);
