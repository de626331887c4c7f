-- Codes per browser: a code issued to a browser that presented a valid device cookie of
-- the person names that cookie, and counts against its own allowance.
ALTER TABLE codes ADD COLUMN device_id BIGINT;
-- A new sign-in voids the earlier code of its browser by that pending sign-in's binding.
CREATE INDEX codes_by_binding ON codes (binding);
