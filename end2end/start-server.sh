#!/usr/bin/env bash
# Starts the release server for the end-to-end suite on a fresh database.
set -euo pipefail
cd "$(dirname "$0")"
rm -rf .tmp && mkdir -p .tmp
export TWOSTEP_CONFIG="$PWD/../Leptos.toml"
export TWOSTEP_DATABASE_URL="sqlite://$PWD/.tmp/e2e.db"
export TWOSTEP_OUTBOX_DIR="$PWD/.tmp/outbox"
export LEPTOS_SITE_ROOT="$PWD/../target/site"
export LEPTOS_SITE_ADDR="127.0.0.1:${E2E_PORT:?}"
export TWOSTEP_ADMIN_PASSWORD="${E2E_ADMIN_PASSWORD:?}"
exec ../target/release/twostep
