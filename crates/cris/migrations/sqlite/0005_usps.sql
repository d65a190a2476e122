-- USPS scan events from the Secure Mail Initiative's daily extract files (R-CS-05, R-CS-06).
CREATE TABLE usps_events (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    tracking_number TEXT NOT NULL,
    event_code      TEXT NOT NULL,
    event_name      TEXT NOT NULL,
    event_date      TEXT NOT NULL,
    event_time      TEXT NOT NULL,
    facility_zip    TEXT NOT NULL,
    facility_name   TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    UNIQUE (tracking_number, event_code, event_date, event_time, facility_zip)
);
CREATE INDEX usps_events_case ON usps_events (case_id);

CREATE TABLE usps_runs (
    id          INTEGER PRIMARY KEY,
    file_name   TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    lines       INTEGER NOT NULL,
    skipped     INTEGER NOT NULL,
    malformed   INTEGER NOT NULL,
    unmatched   INTEGER NOT NULL,
    added       INTEGER NOT NULL,
    status_changes INTEGER NOT NULL
);
