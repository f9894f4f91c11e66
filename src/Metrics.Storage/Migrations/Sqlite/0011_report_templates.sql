-- A force's monthly report as data: the topics in print order, each under the force's own
-- section heading, headed by a measure (and breakdown), with the noun its commentary uses.
CREATE TABLE report_topic (
    force_code     TEXT    NOT NULL REFERENCES area (code),
    position       INTEGER NOT NULL,
    section        TEXT    NOT NULL,
    topic          TEXT    NOT NULL,
    measure_id     TEXT    NOT NULL REFERENCES measure (id),
    breakdown      TEXT    NOT NULL,
    noun           TEXT    NOT NULL,
    reporting_rule INTEGER NULL,
    PRIMARY KEY (force_code, position)
);
