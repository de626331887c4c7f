-- Networks a person chose to trust (spec §2 "Trusted networks"): the code is skipped
-- for that person from that network until expires_at. Never the password.
CREATE TABLE trusted_networks (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    -- IPv4 /32 or IPv6 /64, in canonical text form ("203.0.113.7/32", "2001:db8:1:2::/64").
    network      TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    expires_at   INTEGER NOT NULL,
    -- The exact address the trust was given from.
    created_from TEXT    NOT NULL,
    UNIQUE (user_id, network)
);
CREATE INDEX trusted_networks_by_expiry ON trusted_networks (expires_at);

INSERT INTO settings (key, value) VALUES ('trust_days', '30');
