#!/usr/bin/env bash
# Builds and opens Keyway. Installs what is missing first (see scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app
printf '\033[1m==> %s\033[0m\n' "Building Keyway (the first build takes a few minutes)"
cargo build -p keyway-app --release
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: Keyway is a desktop app and needs a graphical session." >&2
  echo "Built: target/release/keyway-app" >&2
  exit 1
fi
printf '\033[1m==> %s\033[0m\n' "Starting Keyway"
exec target/release/keyway-app "$@"
