#!/usr/bin/env bash
# Installs what building Loupe needs, and with --test what its tests need, skipping anything
# already present at the right version: a second run takes seconds.
#   build: the wasm32 target, trunk 0.21.14, the wasm-bindgen-cli that equals Cargo.lock, and
#          the npm packages (binaryen's wasm-opt for release builds).
#   test:  also Debian's chromium and chromium-driver (playwright-core drives them; no browser
#          is ever downloaded), and in .venv the engines the conversion tests hand data to
#          (PyPI's duckdb and opentelemetry-proto).
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
PYTHON_PACKAGES="duckdb==2.0.1 opentelemetry-proto==1.45.2"
BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

say() { printf 'setup: %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

if ! grep -q "^wasm_bindgen = \"$BINDGEN_VERSION\"" Trunk.toml; then
  say "Trunk.toml's [tools] wasm_bindgen must equal Cargo.lock's wasm-bindgen ($BINDGEN_VERSION)" >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! { have trunk && trunk --version | grep -q " $TRUNK_VERSION\$"; }; then
  say "installing trunk $TRUNK_VERSION (about 10 minutes)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if ! { have wasm-bindgen && wasm-bindgen --version | grep -q " $BINDGEN_VERSION\$"; }; then
  say "installing wasm-bindgen-cli $BINDGEN_VERSION"
  # Not --locked: its lock file does not build with this toolchain.
  cargo install wasm-bindgen-cli --version "$BINDGEN_VERSION" --force
fi

lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.loupe-lock 2>/dev/null)" != "$lock_sum" ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund
  echo "$lock_sum" > node_modules/.loupe-lock
fi

if [ "${1:-}" = "--test" ]; then
  if ! { have chromium && have chromedriver; }; then
    say "installing Debian's chromium and chromium-driver"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
  fi
  if [ "$(cat .venv/.loupe-packages 2>/dev/null)" != "$PYTHON_PACKAGES" ]; then
    say "installing $PYTHON_PACKAGES in .venv"
    python3 -m venv .venv
    # shellcheck disable=SC2086
    .venv/bin/pip install --quiet --disable-pip-version-check $PYTHON_PACKAGES
    echo "$PYTHON_PACKAGES" > .venv/.loupe-packages
  fi
fi
say "ready"
