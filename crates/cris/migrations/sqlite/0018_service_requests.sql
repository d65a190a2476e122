-- Service requests (e-Request and the Service Request Management Tool, R-SR-01 to R-SR-12). A
-- request names a case and an issue; it is routed to the office holding the case, assigned to an
-- officer, and answered within 30 days. `details` holds, as JSON, only the fields its issue type
-- collects (R-SR-04). Every step and every exchange with the customer is a row of
-- service_request_events, in order: the request's whole trail.
CREATE TABLE service_requests (
    id            INTEGER PRIMARY KEY,
    confirmation  TEXT NOT NULL,
    case_id       INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    issue         TEXT NOT NULL CHECK (issue IN ('late', 'notice', 'typo', 'card', 'beneficiary', 'accommodation')),
    channel       TEXT NOT NULL CHECK (channel IN ('online', 'phone', 'letter', 'office')),
    office_code   TEXT NOT NULL REFERENCES offices (code),
    assigned_to   INTEGER REFERENCES staff_users (id),
    status        TEXT NOT NULL CHECK (status IN ('open', 'assigned', 'on_hold', 'resolved')),
    lang          TEXT NOT NULL CHECK (lang IN ('en', 'es')),
    email         TEXT,
    phone         TEXT,
    details       TEXT NOT NULL,
    filed_by      INTEGER REFERENCES staff_users (id),
    filed_at      TEXT NOT NULL,
    due_on        TEXT NOT NULL,
    held_since    TEXT,
    hold_reason   TEXT,
    resolved_at   TEXT,
    resolved_by   TEXT CHECK (resolved_by IN ('letter', 'email', 'phone'))
);
CREATE UNIQUE INDEX service_requests_confirmation ON service_requests (confirmation);
CREATE INDEX service_requests_case ON service_requests (case_id, issue);
CREATE INDEX service_requests_office ON service_requests (office_code, status, due_on);
CREATE INDEX service_requests_officer ON service_requests (assigned_to, status);
CREATE INDEX service_requests_email ON service_requests (email);
CREATE INDEX service_requests_phone ON service_requests (phone);

CREATE TABLE service_request_events (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES service_requests (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    at          TEXT NOT NULL,
    actor       TEXT,
    office_code TEXT,
    officer     TEXT,
    reason      TEXT,
    body        TEXT
);
CREATE INDEX service_request_events_request ON service_request_events (request_id, id);
