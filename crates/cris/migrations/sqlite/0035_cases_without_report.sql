-- Issue 18: the cases whose stored report is not built yet (written before migration 0030, or by a
-- path that left it for later). `cris migrate` builds their reports in batches and finds them
-- through this index without reading the table; it stays empty once they are built.
CREATE INDEX cases_without_report ON cases (id) WHERE report IS NULL;
