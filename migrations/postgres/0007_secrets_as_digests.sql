-- Issue 24: the database keeps bearer secrets only as digests.
--
-- Session rows are now keyed by a keyed digest of the cookie's id; the rows from before
-- are keyed by the id itself, so a copy of the database could open them. They go, and
-- everyone signs in again. (The table is the session store's; it is made here if this
-- database never had one, with the store's own layout.)
CREATE TABLE IF NOT EXISTS public.sessions (
    id          TEXT PRIMARY KEY NOT NULL,
    data        BYTEA NOT NULL,
    expiry_date TIMESTAMPTZ NOT NULL
);
DELETE FROM public.sessions;

-- Codes are now kept as an HMAC under the secret key: the old digests (a salted SHA-256
-- of six digits) could be reversed from a copy. Their sign-ins ended with the sessions
-- above, and the rows only counted codes per 15 minutes.
DELETE FROM codes;

-- Failed attempts now name the typed username by a keyed digest (a password typed into
-- the Username field is not kept in clear). The rows cover the last 15 minutes only.
DELETE FROM login_failures;
