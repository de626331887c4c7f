-- People who may sign in. A person is never deleted: their audit history stays.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    username      TEXT    NOT NULL,
    -- Lower-cased username: uniqueness and look-up are case-insensitive.
    username_key  TEXT    NOT NULL UNIQUE,
    email         TEXT,
    phone         TEXT,
    mobile        TEXT,
    password_hash TEXT    NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Bumped to end every session of this person at once (deactivation, password change).
    session_epoch INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE user_permissions (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    permission TEXT    NOT NULL CHECK (permission IN ('personnel', 'permissions', 'security')),
    PRIMARY KEY (user_id, permission)
) WITHOUT ROWID;

-- Failed password attempts, counted per username and per network over a sliding window.
CREATE TABLE login_failures (
    id           INTEGER PRIMARY KEY,
    username_key TEXT    NOT NULL,
    network      TEXT    NOT NULL,
    at           INTEGER NOT NULL
);
CREATE INDEX login_failures_by_user ON login_failures (username_key, at);
CREATE INDEX login_failures_by_network ON login_failures (network, at);

-- Settings an administrator changes at run time.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO settings (key, value) VALUES ('two_step_enabled', 'false');

-- Security events. Never holds a code or a password.
CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor_id   INTEGER REFERENCES users (id),
    subject_id INTEGER REFERENCES users (id),
    client_ip  TEXT,
    kind       TEXT    NOT NULL,
    detail     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_time ON audit (at);
