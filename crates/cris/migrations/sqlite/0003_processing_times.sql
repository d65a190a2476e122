-- Posted processing times (R-CS-04): per form, subtype and office, with the publication date and
-- the service-request date (receipts before it are outside normal processing time).
CREATE TABLE processing_times (
    id                   INTEGER PRIMARY KEY,
    form_code            TEXT NOT NULL,
    form_key             TEXT NOT NULL,
    subtype_en           TEXT NOT NULL,
    subtype_es           TEXT NOT NULL,
    office_code          TEXT NOT NULL REFERENCES offices (code),
    range_low            REAL NOT NULL,
    range_high           REAL NOT NULL,
    unit                 TEXT NOT NULL CHECK (unit IN ('Months', 'Weeks')),
    publication_date     TEXT NOT NULL,
    service_request_date TEXT NOT NULL,
    published_by         TEXT NOT NULL,
    published_at         TEXT NOT NULL,
    CHECK (range_low > 0 AND range_low <= range_high)
);
CREATE UNIQUE INDEX processing_times_key ON processing_times (form_code, form_key, office_code);
