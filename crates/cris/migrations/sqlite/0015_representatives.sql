-- Registered third-party representatives (R-IP-05): attorneys, accredited representatives and
-- community-based organisations whose customer account USCIS has approved may hold several
-- appointments, booking for their clients. A customer asks from their account; a national
-- administrator approves, refuses or revokes. Closing the account deletes the registration.
CREATE TABLE representatives (
    customer_id   INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    organization  TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('attorney', 'accredited', 'cbo')),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused', 'revoked')),
    requested_at  TEXT NOT NULL,
    decided_by    TEXT,
    decided_at    TEXT
);
CREATE INDEX representatives_status ON representatives (status);
