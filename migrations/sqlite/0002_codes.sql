-- One-time codes of the second sign-in step (spec §2 "Codes"). The code itself is never
-- stored: only a salted SHA-256 digest of it.
CREATE TABLE codes (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    -- Digest of the random token the pending browser holds: a code is useless elsewhere.
    binding    BLOB    NOT NULL,
    salt       BLOB    NOT NULL,
    digest     BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    tries      INTEGER NOT NULL DEFAULT 0,
    -- 'live' until it is used, voided (a newer code, too many tries) or expires.
    state      TEXT    NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'used', 'voided'))
);
CREATE INDEX codes_by_user ON codes (user_id, created_at);
