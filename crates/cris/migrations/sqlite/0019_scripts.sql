-- The call-centre script gateway (R-GW-01): approved answers, in English and Spanish, that
-- call-centre staff read to callers, found by topic, form or search. Headquarters writes versions;
-- another headquarters member approves each one (four eyes) or returns it with a reason. Approved
-- versions never change: a script shows its latest approved version and keeps the earlier ones.
CREATE TABLE scripts (
    id              INTEGER PRIMARY KEY,
    -- The approved version shown; NULL until the first approval.
    current_version INTEGER,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL
);

CREATE TABLE script_versions (
    id            INTEGER PRIMARY KEY,
    script_id     INTEGER NOT NULL REFERENCES scripts (id),
    version       INTEGER NOT NULL,
    topic         TEXT NOT NULL,
    form_code     TEXT,
    title_en      TEXT NOT NULL,
    body_en       TEXT NOT NULL,
    title_es      TEXT NOT NULL,
    body_es       TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('pending', 'returned', 'approved')),
    drafted_by    TEXT NOT NULL,
    drafted_at    TEXT NOT NULL,
    revised_by    TEXT,
    revised_at    TEXT,
    decided_by    TEXT,
    decided_at    TEXT,
    return_reason TEXT,
    -- The approval's place in script_head's sequence (NULL until approved).
    generation    INTEGER,
    UNIQUE (script_id, version)
);
-- One open draft a script at most: the next version starts once the last one is approved.
CREATE UNIQUE INDEX script_versions_open ON script_versions (script_id) WHERE status <> 'approved';
CREATE UNIQUE INDEX script_versions_generation ON script_versions (generation);
CREATE INDEX script_versions_status ON script_versions (status);

-- The approvals' sequence. Each approval takes the next generation under this row's lock, so
-- generations commit in order and every node's search index catches up by asking for the
-- versions past the generation it has seen.
CREATE TABLE script_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO script_head (id, generation) VALUES (1, 0);

-- Which script answered which call.
CREATE TABLE script_uses (
    id             INTEGER PRIMARY KEY,
    script_id      INTEGER NOT NULL REFERENCES scripts (id),
    version        INTEGER NOT NULL,
    used_by        TEXT NOT NULL,
    office         TEXT NOT NULL,
    used_at        TEXT NOT NULL,
    call_ref       TEXT,
    receipt_number TEXT
);
CREATE INDEX script_uses_script ON script_uses (script_id);
