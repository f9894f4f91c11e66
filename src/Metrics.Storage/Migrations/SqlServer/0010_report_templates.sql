-- A force's monthly report as data: the topics in print order, each under the force's own
-- section heading, headed by a measure (and breakdown), with the noun its commentary uses.
CREATE TABLE report_topic (
    force_code     NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT fk_report_topic_force FOREIGN KEY REFERENCES area (code),
    position       INT           NOT NULL,
    section        NVARCHAR(200) NOT NULL,
    topic          NVARCHAR(200) NOT NULL,
    measure_id     NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT fk_report_topic_measure FOREIGN KEY REFERENCES measure (id),
    breakdown      NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    noun           NVARCHAR(100) NOT NULL,
    reporting_rule INT           NULL,
    CONSTRAINT pk_report_topic PRIMARY KEY (force_code, position)
);
