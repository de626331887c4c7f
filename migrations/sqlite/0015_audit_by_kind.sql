-- The Security page's events filtered by kind, newest first, and the list of kinds
-- stored so far, read through an index instead of a walk of every event (issue 30: a
-- year of 500 staff is 300,000 events).
CREATE INDEX audit_by_kind ON audit (kind, id);
