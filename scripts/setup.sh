#!/usr/bin/env bash
# Installs what building, running and testing Twostep needs, skipping whatever is
# already present at the right version, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
# The splitter is installed here (the Makefile puts it on PATH too).
export PATH="$PWD/target/tools/bin:$PATH"
# The Makefile lints the workspace's crates while building them; the tools built here
# are others' crates (and our splitter, which is not the app): no lints.
unset RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS

# The wasm-bindgen CLI must be exactly the library version in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

# The tools are built without whole-program optimisation and at opt-level 1: they run for
# seconds a build, while the full optimisation costs minutes of every fresh machine's
# first `make test`. Both installs share one target folder: the crates they have in
# common compile once.
tool_build() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    CARGO_TARGET_DIR="$PWD/target/tools" "$@"
}

step() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The splitter of the browser bundle (tools/wasm-split, our own); installed into
# target/tools/bin, which the Makefile puts on PATH. A new version in its Cargo.toml
# installs it again.
split_version=$(awk -F'"' '/^version = / { print $2; exit }' tools/wasm-split/Cargo.toml)
if [ "$(twostep-wasm-split --version 2>/dev/null || true)" != "twostep-wasm-split $split_version" ]; then
  step "building twostep-wasm-split $split_version (tools/wasm-split)"
  tool_build cargo install --path tools/wasm-split --locked --root "$PWD/target/tools" --force
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  tool_build cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# npm packages: reinstalled only when package-lock.json changed since the last install.
npm_install() {
  local dir=$1 stamp=$1/node_modules/.twostep-lock
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    step "installing npm packages in $dir"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
    cp "$dir/package-lock.json" "$stamp"
  fi
}
npm_install tools
npm_install end2end

# Debian packages: Chromium for Playwright, PostgreSQL 15 for the tests' throw-away
# clusters, nginx as the reverse proxy in front of two instances in the end-to-end tests.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing Debian's ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

step "ready: $(twostep-wasm-split --version), $(wasm-bindgen --version), terser $(tools/node_modules/.bin/terser --version | awk '{print $2}'), wasm-opt $(tools/node_modules/.bin/wasm-opt --version | awk '{print $3}'), $(chromium --version 2>/dev/null | head -1), PostgreSQL $(/usr/lib/postgresql/15/bin/postgres --version | awk '{print $3}'), $(/usr/sbin/nginx -v 2>&1)"
