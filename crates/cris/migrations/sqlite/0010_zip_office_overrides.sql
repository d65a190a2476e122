-- InfoPass (R-IP-01): a ZIP code assigned to the field office whose jurisdiction it is, where
-- distance alone would offer another office first (islands, state lines, district boundaries).
CREATE TABLE zip_office_overrides (
    zip         TEXT PRIMARY KEY CHECK (length(zip) = 5),
    office_code TEXT NOT NULL REFERENCES offices (code),
    reason      TEXT NOT NULL
);
