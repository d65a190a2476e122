-- Failed secrets (appointment PINs, portfolio and staff passwords) counted by account, by source
-- address and by both, for growing delays instead of locks a stranger could trigger (NIST SP
-- 800-63B 5.2.2). Shared by every node; rows of a key go when the right secret is given.
CREATE TABLE throttles (
    key             TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    blocked_until   TEXT,
    last_failure_at TEXT NOT NULL
);
CREATE INDEX throttles_last_failure ON throttles (last_failure_at);
