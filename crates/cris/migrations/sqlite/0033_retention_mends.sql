-- An opt-out voids open focus-group invitations (R-SV-04): each invitation keeps the keyed hash
-- of its address (the form the opt-out list keeps, never the address), deleted with the
-- invitation when it is answered, lapses or its address opts out. Acceptance re-checks the list.
ALTER TABLE focus_invitations ADD COLUMN email_hash TEXT;
CREATE INDEX focus_invitations_email ON focus_invitations (email_hash);

-- The retention engine takes appointments in day order, a batch at a time (R-RT-01): without an
-- index on the day alone, every batch read and sorted the whole table.
CREATE INDEX appointments_starts ON appointments (starts_at);
