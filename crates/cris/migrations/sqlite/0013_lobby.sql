-- The CMIS lobby (R-QM-01 to R-QM-08). Every customer who arrives gets a ticket, numbered in
-- sequence per office and day; every step of the visit is time-stamped on it. Visit notes are
-- kept in a table of their own, apart from case data, found by A-Number (R-QM-08).
CREATE TABLE lobby_sequences (
    office_code TEXT NOT NULL,
    day         TEXT NOT NULL,
    last        INTEGER NOT NULL,
    PRIMARY KEY (office_code, day)
);

CREATE TABLE lobby_tickets (
    id             INTEGER PRIMARY KEY,
    office_code    TEXT NOT NULL REFERENCES offices (code),
    day            TEXT NOT NULL,
    number         INTEGER NOT NULL,
    label          TEXT NOT NULL,
    service        TEXT NOT NULL,
    booked         INTEGER NOT NULL CHECK (booked IN (0, 1)),
    appointment_id INTEGER REFERENCES appointments (id) ON DELETE SET NULL,
    confirmation   TEXT,
    a_number       TEXT,
    appointment_at TEXT,
    zip            TEXT,
    party          INTEGER NOT NULL CHECK (party BETWEEN 1 AND 20),
    status         TEXT NOT NULL CHECK (status IN ('waiting', 'called', 'serving', 'done', 'no_show')),
    priority_at    TEXT NOT NULL,
    arrived_at     TEXT NOT NULL,
    called_at      TEXT,
    started_at     TEXT,
    ended_at       TEXT,
    calls          INTEGER NOT NULL DEFAULT 0,
    officer_id     INTEGER,
    counter        TEXT,
    services_given TEXT,
    UNIQUE (office_code, day, number)
);
CREATE INDEX lobby_tickets_queue ON lobby_tickets (office_code, status, booked, priority_at);
CREATE UNIQUE INDEX lobby_tickets_appointment ON lobby_tickets (appointment_id) WHERE appointment_id IS NOT NULL;

CREATE TABLE visit_notes (
    id          INTEGER PRIMARY KEY,
    a_number    TEXT NOT NULL,
    ticket_id   INTEGER REFERENCES lobby_tickets (id) ON DELETE SET NULL,
    office_code TEXT NOT NULL,
    officer     TEXT NOT NULL,
    note        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX visit_notes_a_number ON visit_notes (a_number, created_at);
