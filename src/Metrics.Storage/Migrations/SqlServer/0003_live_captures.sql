-- Figures captured from the live state at an instant (every hour: unresourced incidents per
-- area and grade, outstanding intelligence), kept as history beside the monthly figures.
CREATE TABLE live_capture (
    measure_id     NVARCHAR(100) NOT NULL REFERENCES measure (id),
    area_code      NVARCHAR(100) NOT NULL REFERENCES area (code),
    breakdown      NVARCHAR(200) NOT NULL,
    captured_at_ms BIGINT        NOT NULL,
    value          FLOAT         NOT NULL,
    PRIMARY KEY (measure_id, area_code, breakdown, captured_at_ms)
);
