-- A measure is common to every force (NULL) or one force's own: a force's pages show the
-- common ones and its own, never another force's.
ALTER TABLE measure ADD COLUMN force_code TEXT NULL REFERENCES area (code);
