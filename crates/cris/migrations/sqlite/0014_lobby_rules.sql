-- Each office's lobby rules (R-QM-04, R-QM-07): the queue's arrival windows, ageing and calls, and
-- the warning and critical thresholds of the measures the supervisor's dashboard watches. An
-- office without a row follows the defaults. The alerts raised are kept: one open alert per
-- office and measure, cleared when the measure falls back below its warning level.
CREATE TABLE lobby_rules (
    office_code      TEXT PRIMARY KEY REFERENCES offices (code),
    early_minutes    INTEGER NOT NULL CHECK (early_minutes BETWEEN 0 AND 240),
    late_minutes     INTEGER NOT NULL CHECK (late_minutes BETWEEN 0 AND 240),
    ageing_minutes   INTEGER NOT NULL CHECK (ageing_minutes BETWEEN 1 AND 480),
    max_calls        INTEGER NOT NULL CHECK (max_calls BETWEEN 1 AND 10),
    wait_warning     INTEGER NOT NULL,
    wait_critical    INTEGER NOT NULL CHECK (wait_critical > wait_warning),
    waiting_warning  INTEGER NOT NULL,
    waiting_critical INTEGER NOT NULL CHECK (waiting_critical > waiting_warning),
    late_warning     INTEGER NOT NULL,
    late_critical    INTEGER NOT NULL CHECK (late_critical > late_warning),
    updated_by       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE TABLE lobby_alerts (
    id          INTEGER PRIMARY KEY,
    office_code TEXT NOT NULL REFERENCES offices (code),
    measure     TEXT NOT NULL CHECK (measure IN ('longest_wait', 'waiting', 'running_late')),
    level       TEXT NOT NULL CHECK (level IN ('warning', 'critical')),
    value       INTEGER NOT NULL,
    raised_at   TEXT NOT NULL,
    cleared_at  TEXT
);
CREATE UNIQUE INDEX lobby_alerts_open ON lobby_alerts (office_code, measure) WHERE cleared_at IS NULL;
CREATE INDEX lobby_alerts_office ON lobby_alerts (office_code, raised_at);

-- Calls out of queue order keep their reason on the ticket as well as in the audit trail.
ALTER TABLE lobby_tickets ADD COLUMN out_of_order_reason TEXT;
CREATE INDEX lobby_tickets_day ON lobby_tickets (office_code, day);
