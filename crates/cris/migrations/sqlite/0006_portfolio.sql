-- Case Status Online portfolios (R-CS-07 to R-CS-11): customer accounts holding up to 100
-- receipt numbers, with alert preferences. A mobile number exists only when the customer opts in
-- to texts. Closing an account deletes all of it.
CREATE TABLE customers (
    id               INTEGER PRIMARY KEY,
    user_id          TEXT NOT NULL,
    password_hash    TEXT NOT NULL,
    email            TEXT NOT NULL,
    mobile           TEXT,
    lang             TEXT NOT NULL DEFAULT 'en' CHECK (lang IN ('en', 'es')),
    notify_email     INTEGER NOT NULL DEFAULT 1 CHECK (notify_email IN (0, 1)),
    notify_sms       INTEGER NOT NULL DEFAULT 0 CHECK (notify_sms IN (0, 1)),
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT,
    created_at       TEXT NOT NULL,
    last_sign_in_at  TEXT
);
CREATE UNIQUE INDEX customers_user_id ON customers (user_id);
CREATE INDEX customers_mobile ON customers (mobile);

CREATE TABLE customer_questions (
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    question     TEXT NOT NULL,
    answer_hash  TEXT NOT NULL,
    PRIMARY KEY (customer_id, position)
) WITHOUT ROWID;

CREATE TABLE portfolio_cases (
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    case_id      INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    added_at     TEXT NOT NULL,
    PRIMARY KEY (customer_id, case_id)
) WITHOUT ROWID;
CREATE INDEX portfolio_cases_case ON portfolio_cases (case_id);

CREATE TABLE recovery_tokens (
    token_hash   TEXT PRIMARY KEY NOT NULL,
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    expires_at   TEXT NOT NULL
);

-- Numbers that answered STOP: no text is sent to them until they send START.
CREATE TABLE sms_opt_outs (
    mobile      TEXT PRIMARY KEY NOT NULL,
    at          TEXT NOT NULL
);

-- Which customer a message is for, so closing the account removes what is still waiting.
ALTER TABLE outbox ADD COLUMN customer_id INTEGER REFERENCES customers (id) ON DELETE CASCADE;
