-- Issue 18: the compact report of a case kept beside it (history, mailed items, USPS scans, as
-- case_status::model::Facts encodes them), rewritten in the transaction that changes any of
-- them, so that a status lookup is one read of one row. NULL: not built yet (cases from before
-- this migration); the lookup then reads the tables as before.
ALTER TABLE cases ADD COLUMN report TEXT;
