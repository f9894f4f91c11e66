-- Figures a force published that cannot be derived from the months stored (the 12-month
-- averages of a report's area comparison), kept as published, by what they are.
CREATE TABLE published_figure (
    measure_id NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT fk_published_figure_measure FOREIGN KEY REFERENCES measure (id),
    area_code  NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT fk_published_figure_area FOREIGN KEY REFERENCES area (code),
    month      INT   NOT NULL,
    statistic  INT   NOT NULL,
    value      FLOAT NOT NULL,
    CONSTRAINT pk_published_figure PRIMARY KEY (measure_id, area_code, month, statistic)
);
