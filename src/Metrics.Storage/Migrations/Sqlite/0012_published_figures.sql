-- Figures a force published that cannot be derived from the months stored (the 12-month
-- averages of a report's area comparison), kept as published, by what they are.
CREATE TABLE published_figure (
    measure_id TEXT    NOT NULL REFERENCES measure (id),
    area_code  TEXT    NOT NULL REFERENCES area (code),
    month      INTEGER NOT NULL,
    statistic  INTEGER NOT NULL,
    value      REAL    NOT NULL,
    PRIMARY KEY (measure_id, area_code, month, statistic)
);
