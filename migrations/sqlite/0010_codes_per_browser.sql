-- Codes per browser (spec §2 "Guessing over time"): a code issued to a browser that
-- presented a valid device cookie of the person names that cookie, and counts against
-- its own allowance; codes without one count against the person's.
ALTER TABLE codes ADD COLUMN device_id INTEGER;
-- A new sign-in voids the earlier code of its browser by that pending sign-in's binding.
CREATE INDEX codes_by_binding ON codes (binding);
