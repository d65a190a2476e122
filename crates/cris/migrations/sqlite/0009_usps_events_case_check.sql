-- Numbered alike on both engines. On PostgreSQL this migration replaces the foreign key of scans
-- to cases by a check per chunk in the ingest and a delete trigger; SQLite checks a foreign key
-- in the same process for little, so it keeps its constraint.
SELECT 1;
