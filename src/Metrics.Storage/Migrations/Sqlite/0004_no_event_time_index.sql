-- No query reads events by the time they happened (recovery reads them in arrival order), and
-- the index cost every ingest an extra b-tree write.
DROP INDEX IF EXISTS ix_operational_event_occurred;
