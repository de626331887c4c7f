#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the proxied end-to-end project: Debian's binaries, a
# fresh folder, loopback port E2E_PG_PORT, trust authentication on loopback only. Runs in
# the foreground until Playwright stops it; the folder goes with the next run.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
dir="/tmp/twostep-e2e-pg-${E2E_PG_PORT:?}"
rm -rf "$dir" && mkdir -p "$dir"
as_postgres=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root.
  chown postgres:postgres "$dir"
  as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups --)
fi
cd "$dir"
"${as_postgres[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync --no-instructions >/dev/null
exec "${as_postgres[@]}" "$bin/postgres" -D "$dir/data" -p "$E2E_PG_PORT" -k "$dir" \
  -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off
