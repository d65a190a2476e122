-- Staff identity, sessions, lockout, alerts, system clients, the audit trail and the outbox.

CREATE TABLE staff_users (
    id               INTEGER PRIMARY KEY,
    username         TEXT NOT NULL,
    display_name     TEXT NOT NULL,
    email            TEXT NOT NULL,
    role             TEXT NOT NULL,
    office_code      TEXT NOT NULL REFERENCES offices (code),
    password_hash    TEXT NOT NULL,
    totp_secret      TEXT,
    totp_enabled     INTEGER NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0, 1)),
    totp_last_step   INTEGER NOT NULL DEFAULT 0,
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_at        TEXT,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    deactivated_at   TEXT,
    deactivated_why  TEXT,
    last_sign_in_at  TEXT,
    created_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX staff_users_username ON staff_users (username);
CREATE INDEX staff_users_office ON staff_users (office_code);

-- R-AU-06: name, last sign-in, lock time, reinstate time, user name and site.
CREATE TABLE autolock_log (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES staff_users (id),
    username       TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    office_code    TEXT NOT NULL,
    last_sign_in_at TEXT,
    locked_at      TEXT NOT NULL,
    reinstated_at  TEXT,
    reinstated_by  TEXT
);
CREATE INDEX autolock_log_user ON autolock_log (user_id);

-- Sign-in in steps (banner, password, code): the state between steps, keyed by a hashed cookie.
CREATE TABLE auth_flows (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    stage       TEXT NOT NULL CHECK (stage IN ('banner', 'password', 'enrol')),
    user_id     INTEGER REFERENCES staff_users (id) ON DELETE CASCADE,
    expires_at  TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('staff', 'customer')),
    subject_id    INTEGER NOT NULL,
    ip            TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX sessions_subject ON sessions (kind, subject_id);

-- R-AU-07: unauthorised attempts raise alerts.
CREATE TABLE security_alerts (
    id               INTEGER PRIMARY KEY,
    at               TEXT NOT NULL,
    kind             TEXT NOT NULL,
    username         TEXT NOT NULL,
    ip               TEXT NOT NULL,
    office_code      TEXT,
    detail           TEXT NOT NULL,
    acknowledged_by  TEXT,
    acknowledged_at  TEXT
);
CREATE INDEX security_alerts_open ON security_alerts (acknowledged_at, at);

CREATE TABLE api_clients (
    id              INTEGER PRIMARY KEY,
    client_id       TEXT NOT NULL,
    name            TEXT NOT NULL,
    secret_hash     TEXT NOT NULL,
    rate_per_second INTEGER NOT NULL,
    daily_quota     INTEGER NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX api_clients_client_id ON api_clients (client_id);

-- R-AU-05: the audit and security logs, one hash chain. Rows are only ever appended.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    category  TEXT NOT NULL CHECK (category IN ('access', 'change', 'security')),
    event     TEXT NOT NULL,
    username  TEXT NOT NULL,
    ip        TEXT NOT NULL,
    office    TEXT NOT NULL,
    record    TEXT NOT NULL,
    outcome   TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (username, at);
CREATE INDEX audit_log_office ON audit_log (office, at);

-- The end of the chain; its row lock orders concurrent writers.
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_id   INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Messages to send, written in the same transaction as what caused them.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    channel       TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient     TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    next_try_at   TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    last_error    TEXT,
    sent_at       TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_try_at);
