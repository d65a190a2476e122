-- InfoPass bookings (R-IP-02 to R-IP-09). A slot's seats are counted in slot_usage and taken with a
-- conditional update, so the database itself keeps concurrent bookings within capacity. A hold
-- keeps a seat while the customer fills in the form; expired holds give theirs back.
CREATE TABLE slot_usage (
    office_code TEXT NOT NULL REFERENCES offices (code),
    service     TEXT NOT NULL,
    starts_at   TEXT NOT NULL,
    taken       INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0),
    PRIMARY KEY (office_code, service, starts_at)
);

CREATE TABLE slot_holds (
    token       TEXT PRIMARY KEY,
    office_code TEXT NOT NULL,
    service     TEXT NOT NULL,
    starts_at   TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX slot_holds_expiry ON slot_holds (expires_at);

-- One row per booked appointment, holding the customer's personal data until the appointment is
-- cancelled (the row goes) or purged. person_key is a keyed hash of name and date of birth, set
-- while the appointment is the person's active one: its unique index is the one-appointment rule.
CREATE TABLE appointments (
    id                INTEGER PRIMARY KEY,
    confirmation      TEXT NOT NULL,
    pin_hash          TEXT NOT NULL,
    person_key        TEXT,
    office_code       TEXT NOT NULL REFERENCES offices (code),
    service           TEXT NOT NULL,
    starts_at         TEXT NOT NULL,
    starts_utc        TEXT NOT NULL,
    first_name        TEXT NOT NULL,
    last_name         TEXT NOT NULL,
    birth_date        TEXT NOT NULL,
    zip               TEXT NOT NULL,
    phone             TEXT NOT NULL,
    email             TEXT,
    a_number          TEXT,
    receipt_number    TEXT,
    country           TEXT,
    purpose           TEXT,
    lang              TEXT NOT NULL CHECK (lang IN ('en', 'es')),
    representative_id INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    failed_pins       INTEGER NOT NULL DEFAULT 0,
    locked_until      TEXT,
    created_at        TEXT NOT NULL
);
CREATE UNIQUE INDEX appointments_confirmation ON appointments (confirmation);
CREATE UNIQUE INDEX appointments_person ON appointments (person_key) WHERE person_key IS NOT NULL;
CREATE INDEX appointments_day ON appointments (office_code, starts_at);
CREATE INDEX appointments_representative ON appointments (representative_id);

-- What is left of cancelled appointments: counts, for reports, with nothing about the person.
CREATE TABLE appointment_counts (
    office_code TEXT NOT NULL,
    service     TEXT NOT NULL,
    day         TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (office_code, service, day, outcome)
);

-- The notice sent by email goes with its appointment; an attachment (the calendar file) may ride along.
ALTER TABLE outbox ADD COLUMN appointment_id INTEGER REFERENCES appointments (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN attachment TEXT;
CREATE INDEX outbox_appointment ON outbox (appointment_id);
