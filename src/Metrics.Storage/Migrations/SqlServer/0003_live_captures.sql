-- Figures captured from the live state at an instant (every hour: unresourced incidents per
-- area and grade, outstanding intelligence), kept as history beside the monthly figures.
CREATE TABLE live_capture (
    measure_id     NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    area_code      NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    breakdown      NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    captured_at_ms BIGINT        NOT NULL,
    value          FLOAT         NOT NULL,
    CONSTRAINT pk_live_capture PRIMARY KEY (measure_id, area_code, breakdown, captured_at_ms),
    CONSTRAINT fk_live_capture_measure FOREIGN KEY (measure_id) REFERENCES measure (id),
    CONSTRAINT fk_live_capture_area FOREIGN KEY (area_code) REFERENCES area (code)
);
