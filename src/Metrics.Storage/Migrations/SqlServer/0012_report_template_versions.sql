-- A report template is changed by batches, like the figures: each batch that defines (or undoes)
-- a force's template is listed, with the template as it was before it, so it can be undone.
CREATE TABLE report_template_batch (
    import_id  BIGINT        NOT NULL CONSTRAINT pk_report_template_batch PRIMARY KEY CONSTRAINT fk_report_template_batch_import FOREIGN KEY REFERENCES import_batch (id),
    force_code NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT fk_report_template_batch_force FOREIGN KEY REFERENCES area (code)
);

CREATE INDEX ix_report_template_batch_force ON report_template_batch (force_code, import_id);

CREATE TABLE replaced_report_topic (
    import_id      BIGINT        NOT NULL CONSTRAINT fk_replaced_report_topic_import FOREIGN KEY REFERENCES import_batch (id),
    position       INT           NOT NULL,
    section        NVARCHAR(200) NOT NULL,
    topic          NVARCHAR(200) NOT NULL,
    measure_id     NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    breakdown      NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    noun           NVARCHAR(100) NOT NULL,
    reporting_rule INT           NULL,
    CONSTRAINT pk_replaced_report_topic PRIMARY KEY (import_id, position)
);
