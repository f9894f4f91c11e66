-- Figures captured from the live state at an instant (every hour: unresourced incidents per
-- area and grade, outstanding intelligence), kept as history beside the monthly figures.
CREATE TABLE live_capture (
    measure_id     TEXT    NOT NULL REFERENCES measure (id),
    area_code      TEXT    NOT NULL REFERENCES area (code),
    breakdown      TEXT    NOT NULL,
    captured_at_ms INTEGER NOT NULL,
    value          REAL    NOT NULL,
    PRIMARY KEY (measure_id, area_code, breakdown, captured_at_ms)
);
