-- The historical store: areas as data, the measure catalogue, import batches, observations.
-- Ids, codes and breakdowns compare by their code points (Latin1_General_100_BIN2), as the
-- service and SQLite compare them: 'Crime' is not 'crime'. Every constraint is named, so that a
-- later migration can change it without looking its name up.
IF (SELECT compatibility_level FROM sys.databases WHERE database_id = DB_ID()) < 130
    THROW 50001, N'The metrics database must be at compatibility level 130 or more for OPENJSON: ALTER DATABASE CURRENT SET COMPATIBILITY_LEVEL = 160.', 1;

CREATE TABLE area (
    code               NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    name               NVARCHAR(200) NOT NULL,
    kind               INT           NOT NULL,
    parent_code        NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NULL,
    population         BIGINT        NULL,
    households         BIGINT        NULL,
    population_vintage NVARCHAR(200) NOT NULL CONSTRAINT df_area_population_vintage DEFAULT N'',
    sort_order         INT           NOT NULL,
    CONSTRAINT pk_area PRIMARY KEY (code),
    CONSTRAINT fk_area_parent FOREIGN KEY (parent_code) REFERENCES area (code)
);

CREATE TABLE area_peer (
    area_code  NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    peer_name  NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    sort_order INT           NOT NULL,
    CONSTRAINT pk_area_peer PRIMARY KEY (area_code, peer_name),
    CONSTRAINT fk_area_peer_area FOREIGN KEY (area_code) REFERENCES area (code)
);

CREATE TABLE area_district (
    area_code NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    district  NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    CONSTRAINT pk_area_district PRIMARY KEY (area_code, district),
    CONSTRAINT fk_area_district_area FOREIGN KEY (area_code) REFERENCES area (code)
);

CREATE TABLE measure (
    id                 NVARCHAR(100)  COLLATE Latin1_General_100_BIN2 NOT NULL,
    name               NVARCHAR(200)  NOT NULL,
    section            NVARCHAR(200)  NOT NULL,
    topic              NVARCHAR(200)  NOT NULL,
    unit               INT            NOT NULL,
    polarity           INT            NOT NULL,
    reporting_rule     INT            NOT NULL,
    breakdown_kind     NVARCHAR(100)  NOT NULL CONSTRAINT df_measure_breakdown_kind DEFAULT N'',
    rate_base          INT            NOT NULL,
    part_of_measure_id NVARCHAR(100)  COLLATE Latin1_General_100_BIN2 NULL,
    description        NVARCHAR(1000) NOT NULL CONSTRAINT df_measure_description DEFAULT N'',
    sort_order         INT            NOT NULL,
    CONSTRAINT pk_measure PRIMARY KEY (id)
);

CREATE TABLE import_batch (
    id                   BIGINT IDENTITY(1, 1) NOT NULL,
    kind                 NVARCHAR(50)   NOT NULL,
    source               NVARCHAR(1000) NOT NULL,
    force_code           NVARCHAR(100)  COLLATE Latin1_General_100_BIN2 NOT NULL,
    started_at_ms        BIGINT         NOT NULL,
    finished_at_ms       BIGINT         NULL,
    rows_read            BIGINT         NOT NULL CONSTRAINT df_import_batch_rows_read DEFAULT 0,
    rows_rejected        BIGINT         NOT NULL CONSTRAINT df_import_batch_rows_rejected DEFAULT 0,
    observations_written BIGINT         NOT NULL CONSTRAINT df_import_batch_observations_written DEFAULT 0,
    CONSTRAINT pk_import_batch PRIMARY KEY (id)
);

-- period_start is yyyymm; period_months is 1 for a month, 3 for a quarter or rolling
-- 3 months, 12 for a financial year. breakdown is '' for the measure's total.
CREATE TABLE observation (
    measure_id    NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    area_code     NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    breakdown     NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    period_start  INT           NOT NULL,
    period_months INT           NOT NULL,
    value         FLOAT         NULL,
    numerator     FLOAT         NULL,
    denominator   FLOAT         NULL,
    import_id     BIGINT        NOT NULL,
    CONSTRAINT pk_observation PRIMARY KEY (measure_id, area_code, breakdown, period_months, period_start),
    CONSTRAINT fk_observation_measure FOREIGN KEY (measure_id) REFERENCES measure (id),
    CONSTRAINT fk_observation_area FOREIGN KEY (area_code) REFERENCES area (code),
    CONSTRAINT fk_observation_import FOREIGN KEY (import_id) REFERENCES import_batch (id)
);

CREATE INDEX ix_observation_month ON observation (period_months, period_start, measure_id, area_code);
