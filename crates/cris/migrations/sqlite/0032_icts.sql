-- The International Case Tracking System (R-IS-05, R-IS-07): a partner's query about a person
-- whose fingerprints match opens a case; analysts prepare the response, a second analyst approves
-- it, and it leaves through IDENT. The request's fields are kept as the partner sent them; the
-- person, the query and answer exchanges and the agreement are CPMS's records (ids only).
-- `response_fields` lists the Type-2 field numbers chosen for the answer (`18,22`), never values:
-- those are read from the person's record when the answer is made. Kept until the person's
-- hundredth birthday (R-RT-04).
CREATE TABLE icts_cases (
    id               INTEGER PRIMARY KEY,
    partner          TEXT NOT NULL CHECK (partner IN ('CAN', 'AUS')),
    query_tcn        TEXT NOT NULL,
    query_exchange   INTEGER NOT NULL REFERENCES cpms_exchanges (id) ON DELETE CASCADE,
    person_id        INTEGER NOT NULL REFERENCES cpms_persons (id) ON DELETE CASCADE,
    agreement_id     INTEGER NOT NULL REFERENCES cpms_agreements (id),
    requestor        TEXT,
    requested_on     TEXT,
    reason           TEXT,
    priority         TEXT NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
    name             TEXT,
    birth_date       TEXT,
    birth_country    TEXT,
    gender           TEXT,
    aliases          TEXT NOT NULL DEFAULT '',
    encounter_id     TEXT,
    sequence         INTEGER NOT NULL DEFAULT 1,
    received_at      TEXT NOT NULL,
    due_on           TEXT NOT NULL,
    keep_until       TEXT,
    state            TEXT NOT NULL CHECK (state IN ('received', 'assigned', 'prepared', 'approved', 'sent')),
    assigned_to      INTEGER REFERENCES staff_users (id),
    prepared_by      INTEGER REFERENCES staff_users (id),
    prepared_at      TEXT,
    response_fields  TEXT,
    approved_by      INTEGER REFERENCES staff_users (id),
    approved_at      TEXT,
    answer_tcn       TEXT,
    answer_exchange  INTEGER REFERENCES cpms_exchanges (id) ON DELETE CASCADE,
    sent_at          TEXT,
    CHECK (approved_by IS NULL OR approved_by <> prepared_by)
);
CREATE UNIQUE INDEX icts_cases_query ON icts_cases (partner, query_tcn);
CREATE INDEX icts_cases_queue ON icts_cases (state, due_on);
CREATE INDEX icts_cases_analyst ON icts_cases (assigned_to, state);

-- Documents attached to a response (PDF, JPEG or PNG by content, at most 5 MiB), stored apart
-- from the case so that lists never read them.
CREATE TABLE icts_documents (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES icts_cases (id) ON DELETE CASCADE,
    label       TEXT NOT NULL,
    media_type  TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    added_by    INTEGER NOT NULL REFERENCES staff_users (id),
    added_at    TEXT NOT NULL
);
CREATE INDEX icts_documents_case ON icts_documents (case_id, id);

-- Answers waiting to leave through IDENT: written in the transaction that decides them (an
-- automatic "no match" or an approved response), sent after commit, tried again while IDENT is
-- down. The transaction is CPMS's stored exchange; this row holds only its id and the tries.
CREATE TABLE icts_outbox (
    id           INTEGER PRIMARY KEY,
    partner      TEXT NOT NULL CHECK (partner IN ('CAN', 'AUS')),
    exchange_id  INTEGER NOT NULL REFERENCES cpms_exchanges (id) ON DELETE CASCADE,
    case_id      INTEGER REFERENCES icts_cases (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      TEXT NOT NULL,
    last_error   TEXT,
    sent_at      TEXT
);
CREATE INDEX icts_outbox_due ON icts_outbox (sent_at, next_at);
