-- Device cookies (spec §2 "Password step"): a browser in which a person completed a
-- sign-in. Password attempts from it are counted against it alone, so nobody can lock a
-- person out of their own browser from the outside. Only a digest of the cookie's
-- secret is kept.
CREATE TABLE device_cookies (
    -- AUTOINCREMENT: an id is never given out twice, so no failure counted against a
    -- voided cookie can land on a new one.
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    digest     BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX device_cookies_by_user ON device_cookies (user_id);

-- A row of login_failures is now taken before the password is checked (a reservation)
-- and removed again when the password was right; a row with a device_id counts against
-- that device cookie only, not against the person or the network.
ALTER TABLE login_failures ADD COLUMN device_id INTEGER;
CREATE INDEX login_failures_by_device ON login_failures (device_id, at);
