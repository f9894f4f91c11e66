-- Operational events as published, in the order they arrived: the live figures are rebuilt
-- from them at start, and the hourly captures read them.
CREATE TABLE operational_event (
    event_sequence BIGINT        IDENTITY (1, 1) NOT NULL PRIMARY KEY,
    event_id       NVARCHAR(100) NOT NULL,
    kind           INT           NOT NULL,
    occurred_at_ms BIGINT        NOT NULL,
    received_at_ms BIGINT        NOT NULL,
    late           BIT           NOT NULL,
    subject_id     NVARCHAR(100) NOT NULL,
    line           INT           NULL,
    area_code      NVARCHAR(100) NULL,
    grade          INT           NULL,
    wait_ms        BIGINT        NULL,
    CONSTRAINT uq_operational_event_id UNIQUE (event_id)
);

CREATE INDEX ix_operational_event_occurred ON operational_event (occurred_at_ms);
