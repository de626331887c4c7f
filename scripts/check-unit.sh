#!/usr/bin/env bash
# Checks deploy/twostep.service with systemd's own parser (`make lint`): the unit as
# written, with its ExecStart pointed at a program that exists here (the binary is
# installed only on the server). Skipped where systemd-analyze is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v systemd-analyze >/dev/null; then
  echo "check-unit: systemd-analyze not found, skipped"
  exit 0
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed 's#^ExecStart=/opt/twostep/twostep #ExecStart=/bin/true #' deploy/twostep.service >"$dir/twostep.service"
# verify exits 0 on an unknown key or a bad value (it only warns): any word from it fails.
said=$(cd "$dir" && systemd-analyze verify ./twostep.service 2>&1) || true
if [ -n "$said" ]; then
  echo "check-unit: deploy/twostep.service: $said" >&2
  exit 1
fi
echo "check-unit: deploy/twostep.service is well formed"
