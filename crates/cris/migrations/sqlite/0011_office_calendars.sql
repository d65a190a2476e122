-- InfoPass calendars (R-IP-01): when each field office receives the public, what it offers, in
-- slots of what length for how many customers, how far ahead, and when it is closed beyond the
-- federal holidays. Times are local to the office (its time zone is on offices.tz).
CREATE TABLE office_calendars (
    office_code  TEXT PRIMARY KEY REFERENCES offices (code),
    opens        TEXT NOT NULL CHECK (length(opens) = 5),
    closes       TEXT NOT NULL CHECK (length(closes) = 5 AND closes > opens),
    weekdays     TEXT NOT NULL,
    horizon_days INTEGER NOT NULL CHECK (horizon_days BETWEEN 1 AND 180)
);

CREATE TABLE office_services (
    office_code  TEXT NOT NULL REFERENCES offices (code),
    service      TEXT NOT NULL,
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes BETWEEN 5 AND 240),
    capacity     INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 100),
    PRIMARY KEY (office_code, service)
);

CREATE TABLE office_closures (
    id          INTEGER PRIMARY KEY,
    office_code TEXT NOT NULL REFERENCES offices (code),
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL CHECK (ends_at > starts_at),
    reason      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX office_closures_office ON office_closures (office_code, starts_at);
