-- Every step of a visit (R-QM-06, R-RP-01). A ticket is the visit's current place in the queue;
-- each service within it (the first, and one more after each transfer) is a segment that keeps
-- its own wait, first call, officer, start and end, so that a transfer or a recall no longer
-- erases what came before and the productivity report counts every service given.
CREATE TABLE lobby_segments (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES lobby_tickets (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    service    TEXT NOT NULL,
    queued_at  TEXT NOT NULL,
    called_at  TEXT,
    calls      INTEGER NOT NULL DEFAULT 0,
    officer_id INTEGER,
    counter    TEXT,
    started_at TEXT,
    ended_at   TEXT,
    outcome    TEXT CHECK (outcome IN ('transferred', 'done', 'no_show')),
    UNIQUE (ticket_id, seq)
);
CREATE INDEX lobby_segments_officer ON lobby_segments (officer_id);

-- Visits before this migration: one segment each, as much as the ticket kept.
INSERT INTO lobby_segments (ticket_id, seq, service, queued_at, called_at, calls, officer_id, counter, started_at, ended_at, outcome)
SELECT id, 1, service, arrived_at, called_at, calls, officer_id, counter, started_at, ended_at,
       CASE status WHEN 'done' THEN 'done' WHEN 'no_show' THEN 'no_show' END
FROM lobby_tickets;
