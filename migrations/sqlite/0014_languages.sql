-- The language a person reads Twostep in (spec §1 "Language"; issue 29): chosen from the
-- Language menu while signed in or in My account. NULL: never chosen, so pages follow the
-- browser and mail the page that caused it (or the instance default).
ALTER TABLE users ADD COLUMN language TEXT CHECK (language IN ('en', 'nl', 'fr'));
