-- An event is identified by its source (the publishing system) and its id there, not by its id
-- alone: two systems may use the same ids. Events stored before sources were recorded have the
-- empty source.
ALTER TABLE operational_event ADD source NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL
    CONSTRAINT df_operational_event_source DEFAULT N'';
GO
ALTER TABLE operational_event DROP CONSTRAINT uq_operational_event_id;
GO
ALTER TABLE operational_event ADD CONSTRAINT uq_operational_event_source_id UNIQUE (source, event_id);
