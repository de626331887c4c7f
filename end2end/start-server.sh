#!/usr/bin/env bash
# Starts the release server for the end-to-end suite on a fresh database of its own
# (E2E_NAME) or the shared one E2E_DATABASE_URL names, sending mail to the capture server on E2E_SMTP_PORT.
set -euo pipefail
cd "$(dirname "$0")"
here=".tmp/${E2E_NAME:?}"
rm -rf "$here" && mkdir -p "$here"
export TWOSTEP_CONFIG="$PWD/../Leptos.toml"
# A shared PostgreSQL database when given (two instances behind the proxy), else SQLite.
export TWOSTEP_DATABASE_URL="${E2E_DATABASE_URL:-sqlite://$PWD/$here/e2e.db}"
export TWOSTEP_TRUSTED_PROXIES="${E2E_TRUSTED_PROXIES:-}"
export TWOSTEP_OUTBOX_DIR="$PWD/$here/outbox"
export TWOSTEP_SMTP_URL="smtp://127.0.0.1:${E2E_SMTP_PORT:?}"
export LEPTOS_SITE_ROOT="$PWD/../target/site"
export LEPTOS_SITE_ADDR="127.0.0.1:${E2E_PORT:?}"
export TWOSTEP_ADMIN_PASSWORD="${E2E_ADMIN_PASSWORD:?}"
export TWOSTEP_ADMIN_EMAIL="${E2E_ADMIN_EMAIL:?}"
exec ../target/release/twostep
