-- How far the history writer has stored a shared event log (Live:Log JetStream): the log's
-- position of the last event stored, written in the same transaction as the events, so that a
-- writer that takes over after another stops neither skips nor repeats one. The hourly captures
-- keep the last hour written under the log's name with "/captures" after it.
CREATE TABLE live_log_position (
    log_name NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT pk_live_log_position PRIMARY KEY,
    position BIGINT NOT NULL
);
