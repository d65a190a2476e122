-- The retention engine (R-RT-01 to R-RT-04). retention_runs holds the purge certificates: what a
-- run removed, counted by kind, never which records. legal_holds keeps records past their time.
CREATE TABLE retention_runs (
    id             TEXT PRIMARY KEY,
    policy_version TEXT NOT NULL,
    started_at     TEXT NOT NULL,
    finished_at    TEXT NOT NULL,
    run_by         TEXT NOT NULL,
    counts         TEXT NOT NULL,
    total          INTEGER NOT NULL
);
CREATE INDEX retention_runs_started ON retention_runs (started_at);

CREATE TABLE legal_holds (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    record_id   INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    placed_by   TEXT NOT NULL,
    placed_at   TEXT NOT NULL,
    released_by TEXT,
    released_at TEXT
);
CREATE UNIQUE INDEX legal_holds_active ON legal_holds (kind, record_id) WHERE released_at IS NULL;
