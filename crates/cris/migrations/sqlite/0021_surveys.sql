-- Satisfaction surveys (R-SV-01 to R-SV-04, R-SV-06). Invitations know the appointment (and are
-- purged with it); answers know only the survey, the office and the ISO week. Nothing joins the
-- two: the token that proves the right to answer lives in its own table and is deleted in the
-- transaction that stores the answers. Answer tables have no row id (WITHOUT ROWID) and random
-- keys, so not even the storage order of rows follows the order of answering.
CREATE TABLE surveys (
    id             INTEGER PRIMARY KEY,
    title_en       TEXT NOT NULL,
    title_es       TEXT NOT NULL,
    omb_number     TEXT NOT NULL,
    expires_on     TEXT NOT NULL,
    burden_minutes INTEGER NOT NULL CHECK (burden_minutes BETWEEN 1 AND 120),
    -- Space-separated office codes and service codes; empty covers every one.
    offices        TEXT NOT NULL,
    services       TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE survey_questions (
    survey_id  INTEGER NOT NULL REFERENCES surveys (id),
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('scale', 'choice', 'text')),
    text_en    TEXT NOT NULL,
    text_es    TEXT NOT NULL,
    -- One choice a line, in the same order in both languages.
    choices_en TEXT NOT NULL DEFAULT '',
    choices_es TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (survey_id, position)
);

-- One invitation a visit, ever. Only flags and the dates the reminder and the purge need.
CREATE TABLE survey_invitations (
    appointment_id  INTEGER PRIMARY KEY REFERENCES appointments (id) ON DELETE CASCADE,
    survey_id       INTEGER NOT NULL REFERENCES surveys (id),
    appointment_day TEXT NOT NULL,
    invited_on      TEXT NOT NULL,
    reminded        INTEGER NOT NULL DEFAULT 0 CHECK (reminded IN (0, 1)),
    answered        INTEGER NOT NULL DEFAULT 0 CHECK (answered IN (0, 1)),
    opted_out       INTEGER NOT NULL DEFAULT 0 CHECK (opted_out IN (0, 1))
);
CREATE INDEX survey_invitations_day ON survey_invitations (appointment_day);
CREATE INDEX survey_invitations_due ON survey_invitations (reminded, invited_on);

-- Live rights to answer (SHA-256 of the token in the link); deleted when used.
CREATE TABLE survey_tokens (
    token_hash     TEXT PRIMARY KEY,
    appointment_id INTEGER NOT NULL REFERENCES survey_invitations (appointment_id) ON DELETE CASCADE,
    survey_id      INTEGER NOT NULL REFERENCES surveys (id),
    office_code    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX survey_tokens_invitation ON survey_tokens (appointment_id);

CREATE TABLE survey_responses (
    id          TEXT PRIMARY KEY,
    survey_id   INTEGER NOT NULL REFERENCES surveys (id),
    office_code TEXT NOT NULL,
    iso_week    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX survey_responses_report ON survey_responses (survey_id, iso_week, office_code);

CREATE TABLE survey_answers (
    response_id TEXT NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    scale       INTEGER CHECK (scale BETWEEN 1 AND 5),
    choice      INTEGER,
    text        TEXT,
    PRIMARY KEY (response_id, position)
) WITHOUT ROWID;

-- HMAC (server key) of the normalised email address: no address in clear (R-SV-04).
CREATE TABLE survey_opt_outs (
    email_hash TEXT PRIMARY KEY,
    since      TEXT NOT NULL
) WITHOUT ROWID;
