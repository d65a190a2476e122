-- Call next (R-QM-04) picks the first ticket of three classes in turn: aged walk-ins, booked
-- customers inside their window, then everyone by priority time. Each class is one seek on these
-- indexes instead of a sort of the whole day's queue at every call.
DROP INDEX lobby_tickets_queue;
CREATE INDEX lobby_tickets_queue ON lobby_tickets (office_code, day, status, booked, priority_at, id);
CREATE INDEX lobby_tickets_order ON lobby_tickets (office_code, day, status, priority_at, id);
