-- The IPv6 /48 a failed password attempt came from (spec §2 "Password step", issue 26):
-- the /64s of one routed /48 are counted together too. NULL for IPv4.
ALTER TABLE login_failures ADD COLUMN site TEXT;
CREATE INDEX login_failures_by_site ON login_failures (site, at);
