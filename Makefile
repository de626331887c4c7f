# The two commands of the README: `make run` and `make test`. Everything they need is
# installed by `make setup`, which skips what is already present.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(CURDIR)/tools/node_modules/.bin:$(CURDIR)/target/tools/bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: setup wasm-target build server-binary site run test lint clippy unit rust-tests e2e playwright bench fuzz

# Clippy inside the builds of the workspace's crates: clippy-driver compiles them as
# rustc does and lints them on the way, warnings denied. A separate `cargo clippy`
# type-checked every dependency once more for each target (minutes of CI time). The
# browser bundle and the Rust tests (server code with its tests) are linted so; the
# server's release binary is built without it (scripts/build-site.sh): the tests compile
# that code anyway, with their features.
export RUSTC_WORKSPACE_WRAPPER := $(shell rustup which clippy-driver)
export CLIPPY_ARGS := -D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__

# Both `setup` and `lint` need it; added first, so that the two can run side by side.
wasm-target:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

setup: wasm-target
	./scripts/setup.sh

# Release build: the server binary and the browser bundle (target/site/pkg), with each
# file also stored brotli- and gzip-compressed at the best ratio (served as is), and the
# signed-in pages split into WASM files of their own (app/src/pages/lazy.rs).
build: setup
	./scripts/build-site.sh

# The two halves of the build, for `test`: the server needs only cargo, so it compiles
# while `setup` installs the browser bundle's tools.
server-binary:
	./scripts/build-site.sh server

site:
	./scripts/build-site.sh site

# Serves http://127.0.0.1:3000 with Leptos.toml's settings (database in data/).
run: build
	LEPTOS_SITE_ROOT=target/site ./target/release/twostep

# The quick checks first; then the server's release build beside the tools' install
# (each leaves a core idle in its long single-crate stretches, which the other fills);
# the browser bundle; the Rust tests, in release, linking the libraries the build
# compiled; the end-to-end tests. Clippy runs inside each build (above).
# The last line says how long each stage took (CI shows the end of the output).
test:
	@began=$$(date +%s); \
	$(MAKE) lint; \
	$(MAKE) -j2 --output-sync=target setup server-binary; served=$$(date +%s); \
	$(MAKE) site; built=$$(date +%s); \
	$(MAKE) rust-tests; tested=$$(date +%s); \
	$(MAKE) playwright; ended=$$(date +%s); \
	echo "make test took $$((ended - began)) s: setup and server build $$((served - began)) s, browser bundle $$((built - served)) s, Rust tests $$((tested - built)) s, Playwright $$((ended - tested)) s"

# What no build checks: formatting and the modules' import circles. Clippy runs inside
# the builds; `make clippy` runs it alone over every target (benches included).
lint:
	cargo fmt --all --check
	python3 scripts/import_cycles.py
	scripts/check-unit.sh

clippy: wasm-target
	cargo clippy -p app -p server --all-targets -- -D warnings
	cargo clippy -p app -p frontend --target wasm32-unknown-unknown -- -D warnings

# What the release build sets (scripts/leptos-build.env). leptos reads these while it
# compiles: a cargo build with other values would compile leptos and all that depends on
# it again, so the tests and the benches get the same.
LEPTOS_BUILD_ENV := $(shell cat scripts/leptos-build.env)

# Every Rust test, in one cargo call with --release: the libraries and the `twostep`
# binary the command-line tests start are the ones `make build` made.
unit: build
	$(MAKE) rust-tests

# The tests alone, for `test`, which has built once already (the build redoes the
# browser bundle's last steps each time it is called).
# The test crates themselves (the `bench` profile under --release) at opt-level 1: they
# drive the release-built libraries, and optimising the two largest test crates (app's
# unit tests, the server's suite) fully took minutes of each CI run.
rust-tests:
	$(LEPTOS_BUILD_ENV) CARGO_PROFILE_BENCH_OPT_LEVEL=1 cargo test --release -p app -p server --features app/ssr

# Playwright in Debian's Chromium against the release server on a fresh database.
e2e: build
	$(MAKE) playwright

playwright:
	cd end2end && npx playwright test

# Speed goals, measured (never asserted in tests). Numbers go in the issue notes.
# LEPTOS_BUILD_ENV: the server cargo builds for the benches must name the same WASM file
# the site holds (leptos reads it at compile time), and so reuse the release libraries.
# sign_in_to_mail first, on its own: cargo runs the benches of one call in name order,
# and load puts the rows sign_in_to_mail has just written into its table.
bench: build
	$(LEPTOS_BUILD_ENV) cargo bench -p server --bench sign_in_to_mail
	$(LEPTOS_BUILD_ENV) cargo bench -p server --bench security_page --bench load --bench year

# Coverage-guided fuzzing of the parsers of untrusted text (nightly + cargo-fuzz):
# `make fuzz FUZZ_SECONDS=300` runs each target that long (default 60). Not part of `make test`.
FUZZ_SECONDS ?= 60
fuzz:
	./scripts/fuzz.sh $(FUZZ_SECONDS)
