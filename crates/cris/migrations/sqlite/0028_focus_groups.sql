-- Focus groups (R-SV-05, R-RT-02). A group is drawn at random among the customers of an office's
-- appointments who gave an email address and did not opt out. The draw keeps nothing of the
-- people drawn: an invitation is the hash of the link's token and its group, deleted when it is
-- answered or its reply-by day passes. Of those who accept, only the first name and telephone
-- they give are kept, with the day they were contacted, and purged within 120 days of it by the
-- retention engine (`surveys::service::purge_focus_contacts_before`). The group keeps counts only.
CREATE TABLE focus_groups (
    id             INTEGER PRIMARY KEY,
    office_code    TEXT NOT NULL REFERENCES offices (code),
    held_on        TEXT NOT NULL,
    place          TEXT NOT NULL,
    size           INTEGER NOT NULL CHECK (size BETWEEN 1 AND 50),
    reply_by       TEXT NOT NULL,
    -- Paperwork Reduction Act approval, when the group is held under one (all three or none).
    omb_number     TEXT,
    omb_expires_on TEXT,
    burden_minutes INTEGER,
    drawn          INTEGER NOT NULL DEFAULT 0,
    accepted       INTEGER NOT NULL DEFAULT 0,
    declined       INTEGER NOT NULL DEFAULT 0,
    unanswered     INTEGER NOT NULL DEFAULT 0,
    created_on     TEXT NOT NULL,
    created_by     TEXT NOT NULL
);

CREATE TABLE focus_invitations (
    token_hash TEXT PRIMARY KEY,
    group_id   INTEGER NOT NULL REFERENCES focus_groups (id)
) WITHOUT ROWID;
CREATE INDEX focus_invitations_group ON focus_invitations (group_id);

CREATE TABLE focus_contacts (
    id           INTEGER PRIMARY KEY,
    group_id     INTEGER NOT NULL REFERENCES focus_groups (id),
    first_name   TEXT NOT NULL,
    phone        TEXT NOT NULL,
    contacted_on TEXT NOT NULL
);
CREATE INDEX focus_contacts_group ON focus_contacts (group_id);
CREATE INDEX focus_contacts_contacted ON focus_contacts (contacted_on);

-- Messages whose body carries a single-use link (survey and focus-group invitations): once sent,
-- or given up, their recipient, body and attachment are blanked, so the outbox does not keep the
-- link (or the address) until the outbox itself is purged.
ALTER TABLE outbox ADD COLUMN erase_when_sent INTEGER NOT NULL DEFAULT 0 CHECK (erase_when_sent IN (0, 1));
