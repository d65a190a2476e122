-- The figures CRIS suggests headquarters post (R-CS-04): median and 80th percentile, in months,
-- of the time from receipt to decision of the cases decided in the year before `as_of`. Computed
-- by a daily job, because reading a year of decisions takes tens of seconds on a full database;
-- the publishing page reads this table.
CREATE TABLE processing_time_suggestions (
    form_code     TEXT NOT NULL,
    office_code   TEXT NOT NULL REFERENCES offices (code),
    median_months REAL NOT NULL,
    p80_months    REAL NOT NULL,
    cases         INTEGER NOT NULL,
    as_of         TEXT NOT NULL,
    computed_at   TEXT NOT NULL,
    PRIMARY KEY (form_code, office_code)
);
