# Loupe: `make serve` to use it, `make test` to test it. Both install what is missing first.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export TZ := UTC

.PHONY: serve build test setup setup-test lint test-native test-wasm test-engines test-e2e bench

## Build the page (release) and serve it on http://127.0.0.1:8080
serve: setup
	trunk serve --release

## Build the page into dist/
build: setup
	trunk build --release

## Every suite: lint, native, wasm in headless Chromium, end-to-end with Playwright
test: setup-test lint test-native test-wasm test-engines test-e2e

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --test

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p loupe --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p loupe-parquet-worker -- -D warnings
	cargo clippy -p loupe-core --no-default-features -- -D warnings

test-native:
	scripts/expect-tests.sh native cargo test --workspace

test-wasm:
	scripts/expect-tests.sh wasm cargo test --target wasm32-unknown-unknown -p loupe --test web

## Loupe's outputs read by the engines they are for (opentelemetry-proto, DuckDB), and streaming at scale
test-engines:
	cargo build --release -p loupe-cli
	scripts/expect-tests.sh engines .venv/bin/python -m unittest discover -s tests/engines -v

test-e2e: build
	cargo build --release -p loupe-cli
	scripts/expect-tests.sh e2e npm run e2e

## Load-time benchmark in headless Chromium (figures go in the README)
bench: build
	cargo build --release -p loupe-cli
	node scripts/bench-load.mjs
