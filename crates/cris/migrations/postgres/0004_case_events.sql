-- Status changes pushed by the adjudication systems: applied once each (by event id), with the
-- source's own wording kept when an older source sends text rather than an action code.
CREATE TABLE case_events (
    event_id    TEXT PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    applied_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id);

ALTER TABLE case_history ADD COLUMN title_en TEXT;
ALTER TABLE case_history ADD COLUMN desc_en TEXT;
ALTER TABLE case_history ADD COLUMN title_es TEXT;
ALTER TABLE case_history ADD COLUMN desc_es TEXT;

-- What a registered client may do: `case_status` (read), `case_events` (push status changes).
ALTER TABLE api_clients ADD COLUMN scopes TEXT NOT NULL DEFAULT 'case_status';
