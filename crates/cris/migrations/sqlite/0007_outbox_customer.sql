-- Closing an account deletes its queued messages (ON DELETE CASCADE): without an index on the
-- owning customer, each deletion would read the whole outbox.
CREATE INDEX outbox_customer ON outbox (customer_id);
