#!/usr/bin/env bash
# The release build: the browser bundle in target/site (split at leptos's `#[lazy]`
# points, optimised, named after its content, stored compressed) and the server binary
# target/release/twostep with hash.txt beside it.
#
# These are the steps `cargo leptos build --release --precompress --split` takes, done
# with cargo, wasm-bindgen, wasm-opt, terser and our own two small tools: installing
# cargo-leptos itself (it bundles a JS and a CSS compiler and a project generator) cost
# a fresh machine about 15 minutes of a 2-core CI run.
#
#     scripts/build-site.sh [all|site|server]     (default: all)
#
# `server` needs only cargo, so `make test` runs it beside `make setup`.
#
# Clippy runs inside the browser bundle's build (the Makefile sets
# `RUSTC_WORKSPACE_WRAPPER` to clippy-driver with warnings denied): the crates are linted
# as they are compiled, in place of a separate `cargo clippy` that type-checked every
# dependency again. The server side is linted where the Rust tests compile it.
set -euo pipefail
cd "$(dirname "$0")/.."
part=${1:-all}

# What leptos reads while it compiles (both sides must see the same values).
set -a
# shellcheck source=leptos-build.env
source scripts/leptos-build.env
set +a
name=$LEPTOS_OUTPUT_NAME
site=$LEPTOS_SITE_ROOT
pkg=$site/$LEPTOS_SITE_PKG_DIR
front=target/front/wasm32-unknown-unknown/wasm-release

step() { printf '\033[1mbuild:\033[0m %s\n' "$*"; }

build_site() {
  step "browser bundle (frontend, wasm32, profile wasm-release)"
  # `erase_components` as .cargo/config.toml says (RUSTFLAGS replaces it); the relocations
  # are what the split needs to move functions between files.
  RUSTFLAGS="--cfg erase_components -Clink-args=--emit-relocs" \
    cargo build --package=frontend --lib --target-dir=target/front \
    --target=wasm32-unknown-unknown --no-default-features --profile=wasm-release

  rm -rf "$site"
  mkdir -p "$pkg"
  cp -a public/. "$site/"
  rm -f "$site/.gitkeep"

  step "split at the lazy points"
  twostep-wasm-split "$front/frontend.wasm" "$front/frontend_split.wasm" "$pkg" "$name"

  step "wasm-bindgen"
  wasm-bindgen --target=web --keep-lld-exports --no-demangle --no-typescript \
    --out-name="$name" --out-dir="$pkg" "$front/frontend_split.wasm"
  mv "$pkg/${name}_bg.wasm" "$pkg/$name.wasm"

  step "wasm-opt -Oz on each WASM file"
  find "$pkg" -maxdepth 1 -name '*.wasm' -print0 |
    xargs -0 -P 2 -I{} wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int {} -o {}

  step "minify the main JS; the stylesheet"
  terser "$pkg/$name.js" --module --compress --mangle --output "$pkg/$name.js"
  cp style/main.css "$pkg/$name.css"

  step "name the files after their content, write hash.txt, compress"
  mkdir -p target/release
  node scripts/assemble-site.mjs "$site" "$LEPTOS_SITE_PKG_DIR" "$name" "target/release/$LEPTOS_HASH_FILE_NAME"
}

build_server() {
  step "server (release)"
  # Not linted here: the Rust tests compile (and lint) the same code with their test
  # features, and linting the large app crate costs minutes each time.
  env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS \
    cargo build --package=server --bin=twostep --no-default-features --release
}

case $part in
  all) build_site; build_server ;;
  site) build_site ;;
  server) build_server ;;
  *) echo "usage: scripts/build-site.sh [all|site|server]" >&2; exit 2 ;;
esac
