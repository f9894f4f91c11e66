-- A measure is common to every force (NULL) or one force's own: a force's pages show the
-- common ones and its own, never another force's.
ALTER TABLE measure ADD force_code NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NULL CONSTRAINT fk_measure_force FOREIGN KEY REFERENCES area (code);
