-- The names police.uk files a force's records under ("Falls within"), joined by ";"
-- (no force's name holds one); empty when none are given.
ALTER TABLE area ADD falls_within NVARCHAR(1000) NOT NULL CONSTRAINT df_area_falls_within DEFAULT N'';
