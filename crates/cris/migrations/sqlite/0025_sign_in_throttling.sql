-- Portfolio and staff sign-in are throttled by kernel::throttle (growing delays by account and
-- by source, NIST SP 800-63B 5.2.2) instead of the old locks, which anyone knowing a user name
-- could trigger: their counters go. Security alerts are aggregated, one per account an hour,
-- the repeats counted on the alert.
ALTER TABLE customers DROP COLUMN failed_attempts;
ALTER TABLE customers DROP COLUMN locked_until;
ALTER TABLE staff_users DROP COLUMN failed_attempts;
ALTER TABLE staff_users DROP COLUMN locked_at;
ALTER TABLE security_alerts ADD COLUMN occurrences INTEGER NOT NULL DEFAULT 1;
ALTER TABLE security_alerts ADD COLUMN last_at TEXT;
CREATE INDEX security_alerts_username_at ON security_alerts (username, at);
-- A throttled staff account asks for password and code together ('both'): the flow remembers,
-- out of the client's sight, the name typed and whether the password was right.
DROP TABLE auth_flows;
CREATE TABLE auth_flows (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    stage       TEXT NOT NULL CHECK (stage IN ('banner', 'password', 'enrol', 'both')),
    user_id     INTEGER REFERENCES staff_users (id) ON DELETE CASCADE,
    account     TEXT,
    password_ok INTEGER NOT NULL DEFAULT 0 CHECK (password_ok IN (0, 1)),
    expires_at  TEXT NOT NULL
);
