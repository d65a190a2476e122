-- Change of address (AR-11, R-CA-01, R-CA-02). Each change is kept as filed, with its
-- confirmation number; the cases it names move to the new address, and every address a case has
-- had stays in its history, newest last (the previous address given opens a case's history).
CREATE TABLE address_changes (
    id             INTEGER PRIMARY KEY,
    confirmation   TEXT NOT NULL,
    first_name     TEXT NOT NULL,
    last_name      TEXT NOT NULL,
    a_number       TEXT NOT NULL,
    birth_date     TEXT NOT NULL,
    previous_line1 TEXT NOT NULL,
    previous_line2 TEXT,
    previous_city  TEXT NOT NULL,
    previous_state TEXT NOT NULL,
    previous_zip   TEXT NOT NULL,
    new_line1      TEXT NOT NULL,
    new_line2      TEXT,
    new_city       TEXT NOT NULL,
    new_state      TEXT NOT NULL,
    new_zip        TEXT NOT NULL,
    email          TEXT,
    lang           TEXT NOT NULL CHECK (lang IN ('en', 'es')),
    submitted_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX address_changes_confirmation ON address_changes (confirmation);
CREATE INDEX address_changes_a_number ON address_changes (a_number);

CREATE TABLE case_addresses (
    case_id   INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    line1     TEXT NOT NULL,
    line2     TEXT,
    city      TEXT NOT NULL,
    state     TEXT NOT NULL,
    zip       TEXT NOT NULL,
    since     TEXT NOT NULL,
    change_id INTEGER REFERENCES address_changes (id),
    PRIMARY KEY (case_id, seq)
);
