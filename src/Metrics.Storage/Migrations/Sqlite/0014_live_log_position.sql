-- How far the history writer has stored a shared event log (Live:Log JetStream): the log's
-- position of the last event stored, written in the same transaction as the events, so that a
-- writer that takes over after another stops neither skips nor repeats one. The hourly captures
-- keep the last hour written under the log's name with "/captures" after it.
CREATE TABLE live_log_position (
    log_name TEXT    NOT NULL PRIMARY KEY,
    position INTEGER NOT NULL
);
