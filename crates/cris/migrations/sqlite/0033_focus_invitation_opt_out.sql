-- An opt-out voids open focus-group invitations (R-SV-04): each invitation keeps the keyed hash
-- of its address (the form the opt-out list keeps, never the address), deleted with the
-- invitation when it is answered, lapses or its address opts out. Acceptance re-checks the list.
ALTER TABLE focus_invitations ADD COLUMN email_hash TEXT;
CREATE INDEX focus_invitations_email ON focus_invitations (email_hash);
