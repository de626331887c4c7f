-- Codes per browser: a code issued to a browser that presented a valid device cookie of
-- the person names that cookie, and counts against its own allowance.
ALTER TABLE codes ADD COLUMN device_id BIGINT;
