-- Operational events as published, in the order they arrived: the live figures are rebuilt
-- from them at start, and the hourly captures read them. Ids compare by their code points.
CREATE TABLE operational_event (
    event_sequence BIGINT        IDENTITY (1, 1) NOT NULL,
    event_id       NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    kind           INT           NOT NULL,
    occurred_at_ms BIGINT        NOT NULL,
    received_at_ms BIGINT        NOT NULL,
    late           BIT           NOT NULL,
    subject_id     NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    line           INT           NULL,
    area_code      NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NULL,
    grade          INT           NULL,
    wait_ms        BIGINT        NULL,
    CONSTRAINT pk_operational_event PRIMARY KEY (event_sequence),
    CONSTRAINT uq_operational_event_id UNIQUE (event_id)
);
