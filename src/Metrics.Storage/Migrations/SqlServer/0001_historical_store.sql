-- The historical store: areas as data, the measure catalogue, import batches, observations.
CREATE TABLE area (
    code               NVARCHAR(100) NOT NULL PRIMARY KEY,
    name               NVARCHAR(200) NOT NULL,
    kind               INT           NOT NULL,
    parent_code        NVARCHAR(100) NULL REFERENCES area (code),
    population         BIGINT        NULL,
    households         BIGINT        NULL,
    population_vintage NVARCHAR(200) NOT NULL DEFAULT N'',
    sort_order         INT           NOT NULL
);

CREATE TABLE area_peer (
    area_code  NVARCHAR(100) NOT NULL REFERENCES area (code),
    peer_name  NVARCHAR(200) NOT NULL,
    sort_order INT           NOT NULL,
    PRIMARY KEY (area_code, peer_name)
);

CREATE TABLE area_district (
    area_code NVARCHAR(100) NOT NULL REFERENCES area (code),
    district  NVARCHAR(200) NOT NULL,
    PRIMARY KEY (area_code, district)
);

CREATE TABLE measure (
    id                 NVARCHAR(100)  NOT NULL PRIMARY KEY,
    name               NVARCHAR(200)  NOT NULL,
    section            NVARCHAR(200)  NOT NULL,
    topic              NVARCHAR(200)  NOT NULL,
    unit               INT            NOT NULL,
    polarity           INT            NOT NULL,
    reporting_rule     INT            NOT NULL,
    breakdown_kind     NVARCHAR(100)  NOT NULL DEFAULT N'',
    rate_base          INT            NOT NULL,
    part_of_measure_id NVARCHAR(100)  NULL,
    description        NVARCHAR(1000) NOT NULL DEFAULT N'',
    sort_order         INT            NOT NULL
);

CREATE TABLE import_batch (
    id                   BIGINT IDENTITY(1, 1) NOT NULL PRIMARY KEY,
    kind                 NVARCHAR(50)  NOT NULL,
    source               NVARCHAR(1000) NOT NULL,
    force_code           NVARCHAR(100) NOT NULL,
    started_at_ms        BIGINT        NOT NULL,
    finished_at_ms       BIGINT        NULL,
    rows_read            BIGINT        NOT NULL DEFAULT 0,
    rows_rejected        BIGINT        NOT NULL DEFAULT 0,
    observations_written BIGINT        NOT NULL DEFAULT 0
);

-- period_start is yyyymm; period_months is 1 for a month, 3 for a quarter or rolling
-- 3 months, 12 for a financial year. breakdown is '' for the measure's total.
CREATE TABLE observation (
    measure_id    NVARCHAR(100) NOT NULL REFERENCES measure (id),
    area_code     NVARCHAR(100) NOT NULL REFERENCES area (code),
    breakdown     NVARCHAR(200) NOT NULL,
    period_start  INT           NOT NULL,
    period_months INT           NOT NULL,
    value         FLOAT         NULL,
    numerator     FLOAT         NULL,
    denominator   FLOAT         NULL,
    import_id     BIGINT        NOT NULL REFERENCES import_batch (id),
    PRIMARY KEY (measure_id, area_code, breakdown, period_months, period_start)
);

CREATE INDEX ix_observation_month ON observation (period_months, period_start, measure_id, area_code);
