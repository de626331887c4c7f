-- Authenticator apps (spec §2 "Authenticator apps and recovery codes"): the secret is
-- sealed with a key kept outside the database (app::secret_key); a copy of this file
-- alone gives no secret away.
CREATE TABLE authenticators (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id),
    sealed       BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    -- NULL until the person typed one code from the app: only then is it on.
    confirmed_at INTEGER,
    -- The last time step whose code was accepted: each step is good once (RFC 6238 §5.2).
    last_step    INTEGER
);

-- One-time recovery codes: only a salted digest of each.
CREATE TABLE recovery_codes (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    salt    BLOB    NOT NULL,
    digest  BLOB    NOT NULL,
    used_at INTEGER
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);
