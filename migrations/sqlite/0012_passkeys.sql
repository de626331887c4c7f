-- Passkeys (spec §1 "Passkeys", §2 "Passkeys"; issue 27). A passkey is a public key: a
-- copy of this table lets nobody sign in. `credential` is webauthn-rs's record of it
-- (public key, algorithm, signature counter) as JSON; `credential_id` is what the
-- browser names it by, unique across everyone: one credential is never two people's.
CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    credential_id BLOB    NOT NULL UNIQUE,
    credential    TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    -- The authenticator's signature counter at the last use: an answer that does not
    -- move it on is a replay or a cloned authenticator (0 for those that keep none).
    sign_count    INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER
);
CREATE INDEX passkeys_by_user ON passkeys (user_id);

-- The WebAuthn user handle of each person who ever added a passkey: random, so that an
-- authenticator keeps no name or number of ours. A passkey used alone at step 1 names
-- its person by it.
CREATE TABLE passkey_handles (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    handle  BLOB    NOT NULL UNIQUE
);

-- Challenges of sign-ins with a passkey alone that were answered: each is accepted once.
-- The challenge itself travels sealed with the browser (starting a sign-in stores
-- nothing); only an accepted answer writes here, and a row goes once it has expired.
CREATE TABLE passkey_challenges_spent (
    digest     BLOB    PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
