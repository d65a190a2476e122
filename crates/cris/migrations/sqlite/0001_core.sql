-- Core tables: installation facts, offices (reference data, refreshed at every start), cases,
-- their status history and the documents mailed for them.

CREATE TABLE app_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE offices (
    code     TEXT PRIMARY KEY NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('service_center', 'benefits_center', 'field_office', 'asylum_office', 'asc')),
    name_en  TEXT NOT NULL,
    name_es  TEXT NOT NULL,
    street   TEXT NOT NULL,
    city     TEXT NOT NULL,
    state    TEXT NOT NULL,
    zip      TEXT NOT NULL,
    lat      REAL NOT NULL,
    lon      REAL NOT NULL,
    tz       TEXT NOT NULL,
    district TEXT NOT NULL,
    region   TEXT NOT NULL
);

CREATE TABLE cases (
    id             INTEGER PRIMARY KEY,
    receipt_number TEXT NOT NULL,
    form_code      TEXT NOT NULL,
    office_code    TEXT NOT NULL REFERENCES offices (code),
    status_code    TEXT NOT NULL,
    received_on    TEXT NOT NULL,
    status_on      TEXT NOT NULL,
    mailing_zip    TEXT,
    -- Cases that must not be disclosed (protected classes) answer exactly like unknown ones.
    restricted     INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),
    updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX cases_receipt_number ON cases (receipt_number);
CREATE INDEX cases_office_status ON cases (office_code, status_code);

CREATE TABLE case_history (
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    status_code TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;

CREATE TABLE mail_items (
    tracking_number TEXT PRIMARY KEY NOT NULL,
    case_id         INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('card', 'document')),
    mailed_on       TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX mail_items_case ON mail_items (case_id);
