#!/usr/bin/env bash
# Runs every cargo-fuzz target for the given number of seconds each (default 60).
# Needs the nightly toolchain (libFuzzer's sanitizer coverage); installs cargo-fuzz when
# missing. A crash stops the run and leaves its input in fuzz/artifacts/<target>/:
# reproduce it with `cargo +nightly fuzz run <target> <file>` inside fuzz/, then add
# it as a regression test beside the property tests in app/tests/hostile_input.rs.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
# Nightly builds these: the stable clippy-driver the Makefile sets cannot wrap them.
unset RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS

seconds=${1:-60}
case $seconds in
  '' | *[!0-9]*) echo "fuzz: the time budget is whole seconds per target, not '$seconds'" >&2; exit 2 ;;
esac

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: needs the nightly toolchain: rustup toolchain install nightly" >&2
  exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

targets=$(cargo +nightly fuzz list)
for target in $targets; do
  mkdir -p "corpus/$target"
  echo "fuzz: $target for ${seconds}s"
  # -rss_limit_mb: a parser of one header or one form must never need more.
  cargo +nightly fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=512 -max_len=4096 -print_final_stats=1 2>&1 |
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|INFO: Seed|==[0-9]+== ERROR|SUMMARY|artifact_prefix|Test unit written)' || true
  if [ -n "$(ls -A "artifacts/$target" 2>/dev/null)" ]; then
    echo "fuzz: $target found a crash: $(ls "artifacts/$target")" >&2
    exit 1
  fi
done
echo "fuzz: no crash in $(echo $targets | wc -w) targets, ${seconds}s each"
