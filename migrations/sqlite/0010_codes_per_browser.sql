-- Codes per browser (spec §2 "Guessing over time"): a code issued to a browser that
-- presented a valid device cookie of the person names that cookie, and counts against
-- its own allowance; codes without one count against the person's.
ALTER TABLE codes ADD COLUMN device_id INTEGER;
