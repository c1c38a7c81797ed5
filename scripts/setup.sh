#!/usr/bin/env bash
# Installs what Keyway needs on Debian or Ubuntu, idempotently. Each part is skipped when
# already present, so running it again costs seconds.
#   scripts/setup.sh app     what running the app needs (build tools, WebKitGTK)
#   scripts/setup.sh test    that plus everything the tests use
set -euo pipefail
cd "$(dirname "$0")/.."

want=${1:-test}
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

APP_PKGS=(libwebkit2gtk-4.1-dev build-essential file libssl-dev libxdo-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config curl)
TEST_PKGS=(xvfb webkit2gtk-driver gnome-keyring libsecret-tools dbus-x11 imagemagick
  chromium xauth openssl python3-venv)
# The Windows check in scripts/test.sh: Debian's Rust (its own cargo too, as apt would not bring
# it with --no-install-recommends) with the standard library's source, so that std can be built
# for x86_64-pc-windows-gnu, and MinGW's C compiler for the C parts of dependencies.
TEST_PKGS+=(rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64)

pkgs=("${APP_PKGS[@]}")
[ "$want" = test ] && pkgs+=("${TEST_PKGS[@]}")

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
else
  say "System packages: all present"
fi

if ! command -v cargo >/dev/null; then
  echo "Rust is not installed. Install it from your distribution or with rustup, then run again." >&2
  exit 1
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt 2>/dev/null || true

if [ "$want" = test ]; then
  if ! command -v node >/dev/null; then
    say "Installing Node.js and npm"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  fi
  # npm packages: reinstall only when package-lock.json changed since the last install.
  if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.keyway-lock; then
    say "Installing npm packages (playwright-core, axe-core, selenium-webdriver, Tauri CLI)"
    # `npm ci` trips over the Tauri CLI's per-platform optional packages (an npm bug); `npm
    # install` with the committed lock file installs the same versions.
    npm install --no-fund --no-audit --loglevel=error
    cp package-lock.json node_modules/.keyway-lock
  else
    say "npm packages: up to date"
  fi
  # Python: a private virtual environment with the pinned MSAL the fidelity tests use.
  if [ ! -x .venv/bin/python ] || ! cmp -s tests/fidelity/requirements.txt .venv/.keyway-requirements; then
    say "Preparing the Python environment for the MSAL fidelity tests (.venv)"
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r tests/fidelity/requirements.txt
    cp tests/fidelity/requirements.txt .venv/.keyway-requirements
  else
    say "Python environment: up to date"
  fi
  if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    say "Installing tauri-driver (WebDriver for the real app window)"
    cargo install tauri-driver --locked --version '^2' --quiet
  else
    say "tauri-driver: present"
  fi
fi
