-- Office networks (spec §1 "Office networks", §2 "Office networks"; issue 28): named by a
-- Security holder once for everyone. From one of their ranges the code is skipped for
-- people who hold neither Security nor Permissions. `name_key` is the name lowercased, so
-- "Brussels HQ" and "brussels hq" are one name. `created_by` is NULL when the operator
-- added it from the command line.
CREATE TABLE office_networks (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    name_key   TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES users (id)
);

-- Each range in its canonical form (`10.1.0.0/16`, `2001:db8:7::/48`; an IPv4-mapped
-- range is stored as IPv4).
CREATE TABLE office_network_ranges (
    office_id INTEGER NOT NULL REFERENCES office_networks (id) ON DELETE CASCADE,
    range     TEXT    NOT NULL,
    PRIMARY KEY (office_id, range)
);

-- The Security page's Check an address reads every person's entry for one network.
CREATE INDEX trusted_networks_by_network ON trusted_networks (network);
