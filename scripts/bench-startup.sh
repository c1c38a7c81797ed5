#!/usr/bin/env bash
# Start-up time and memory of Keyway's window against a bare Tauri window (release builds).
#   RUNS=5 scripts/bench-startup.sh
# Honours CARGO_TARGET_DIR, like cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
cargo build --release --locked -p keyway-app -p bare-window
exec scripts/headless-session.sh node bench/startup.mjs
