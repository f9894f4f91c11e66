-- The names police.uk files a force's records under ("Falls within"), joined by ";"
-- (no force's name holds one); empty when none are given.
ALTER TABLE area ADD COLUMN falls_within TEXT NOT NULL DEFAULT '';
