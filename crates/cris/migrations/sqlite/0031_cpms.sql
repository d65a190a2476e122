-- CPMS, the person-centric repository of international biometric sharing (R-IS-01 to R-IS-10,
-- R-RT-04). Foreign-partner data lives in these tables only, which no other capability reads
-- (R-IS-09; the architecture test enforces it). Every row of a person goes with the person when
-- the retention engine purges it at `keep_until`, the hundredth birthday (R-RT-04).
CREATE TABLE cpms_persons (
    id              INTEGER PRIMARY KEY,
    fin             TEXT NOT NULL,
    a_number        TEXT,
    surname         TEXT NOT NULL,
    given_names     TEXT NOT NULL,
    birth_date      TEXT NOT NULL,
    birth_country   TEXT NOT NULL,
    gender          TEXT NOT NULL CHECK (gender IN ('M', 'F', 'X', 'U')),
    -- The records office's flag (8 U.S.C. 1367, 8 CFR 208.6); cases can make a person protected too.
    protected_class TEXT CHECK (protected_class IN ('t', 'u', 'vawa', 'asylum', 'refugee')),
    consent         TEXT CHECK (consent IN ('consent', 'waiver')),
    consent_note    TEXT,
    keep_until      TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX cpms_persons_fin ON cpms_persons (fin);
CREATE INDEX cpms_persons_a_number ON cpms_persons (a_number);
CREATE INDEX cpms_persons_keep_until ON cpms_persons (keep_until);

CREATE TABLE cpms_aliases (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES cpms_persons (id) ON DELETE CASCADE,
    surname     TEXT NOT NULL,
    given_names TEXT NOT NULL
);
CREATE INDEX cpms_aliases_person ON cpms_aliases (person_id);

CREATE TABLE cpms_encounters (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES cpms_persons (id) ON DELETE CASCADE,
    at           TEXT NOT NULL,
    place        TEXT NOT NULL,
    system       TEXT NOT NULL,
    encounter_id TEXT NOT NULL
);
CREATE INDEX cpms_encounters_person ON cpms_encounters (person_id);

-- One row a finger: the minutiae as the matcher reads them (x, y, angle in degrees: three
-- big-endian u16 a minutia), with the image's size to write them back as a Type-9 record; the
-- image as given, labelled by its compression.
CREATE TABLE cpms_biometrics (
    person_id   INTEGER NOT NULL REFERENCES cpms_persons (id) ON DELETE CASCADE,
    finger      INTEGER NOT NULL CHECK (finger BETWEEN 0 AND 10),
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    minutiae    BLOB NOT NULL,
    image       BLOB,
    compression TEXT,
    PRIMARY KEY (person_id, finger)
) WITHOUT ROWID;

-- The cases CRIS holds for the person's A-Number (by receipt number), and the asylum or refugee
-- officer assigned to each: cases carry no officer, so sharing records the assignment itself.
CREATE TABLE cpms_cases (
    person_id      INTEGER NOT NULL REFERENCES cpms_persons (id) ON DELETE CASCADE,
    receipt_number TEXT NOT NULL,
    officer_id     INTEGER REFERENCES staff_users (id),
    PRIMARY KEY (person_id, receipt_number)
) WITHOUT ROWID;
CREATE INDEX cpms_cases_receipt ON cpms_cases (receipt_number);

-- Agreements (R-IS-08): fields are Type-2 field numbers, comma-separated ("18,22,24").
CREATE TABLE cpms_agreements (
    id              INTEGER PRIMARY KEY,
    partner         TEXT NOT NULL,
    in_force_from   TEXT NOT NULL,
    in_force_to     TEXT NOT NULL,
    outbound_fields TEXT NOT NULL,
    inbound_fields  TEXT NOT NULL,
    template        TEXT NOT NULL
);
CREATE INDEX cpms_agreements_partner ON cpms_agreements (partner, in_force_from);

-- Every query and answer, both directions, stored whole (R-IS-06).
CREATE TABLE cpms_exchanges (
    id           INTEGER PRIMARY KEY,
    direction    TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    partner      TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('query', 'answer')),
    tcn          TEXT NOT NULL,
    tcr          TEXT,
    sequence     INTEGER,
    body         BLOB NOT NULL,
    at           TEXT NOT NULL,
    person_id    INTEGER REFERENCES cpms_persons (id) ON DELETE CASCADE,
    agreement_id INTEGER REFERENCES cpms_agreements (id),
    outcome      TEXT CHECK (outcome IN ('match', 'no-match', 'withheld', 'refused')),
    reason       TEXT
);
CREATE INDEX cpms_exchanges_person ON cpms_exchanges (person_id);
CREATE INDEX cpms_exchanges_tcn ON cpms_exchanges (partner, tcn);

-- Disclosures (R-IS-06, 5 U.S.C. 552a(c)): to whom, when, what, why, under which agreement, who
-- approved; written in the transaction that sends.
CREATE TABLE cpms_disclosures (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES cpms_persons (id) ON DELETE CASCADE,
    partner      TEXT NOT NULL,
    at           TEXT NOT NULL,
    fields       TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    agreement_id INTEGER NOT NULL REFERENCES cpms_agreements (id),
    approved_by  TEXT,
    exchange_id  INTEGER NOT NULL REFERENCES cpms_exchanges (id) ON DELETE CASCADE
);
CREATE INDEX cpms_disclosures_person ON cpms_disclosures (person_id, at);

-- USCIS's queries to partners (R-IS-02, R-IS-03, R-IS-10): 1 first, 2 more information, 3 further.
CREATE TABLE cpms_queries (
    id             INTEGER PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES cpms_persons (id) ON DELETE CASCADE,
    receipt_number TEXT NOT NULL,
    officer        TEXT NOT NULL,
    partner        TEXT NOT NULL,
    sequence       INTEGER NOT NULL CHECK (sequence BETWEEN 1 AND 3),
    exchange_out   INTEGER NOT NULL REFERENCES cpms_exchanges (id) ON DELETE CASCADE,
    exchange_in    INTEGER REFERENCES cpms_exchanges (id) ON DELETE CASCADE,
    matched        INTEGER CHECK (matched IN (0, 1)),
    at             TEXT NOT NULL
);
CREATE INDEX cpms_queries_person ON cpms_queries (person_id, partner, sequence);
