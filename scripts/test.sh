#!/usr/bin/env bash
# Runs every Keyway test: formatting, lints, the core's unit and integration tests, the UI in
# headless Chromium, the real app window under Xvfb, and a check that the workspace builds for
# Windows. Installs what is missing first.
# Screenshots land in artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

scripts/setup.sh test
export PATH="$HOME/.cargo/bin:$PATH"
# One clean build, never edited in place: incremental caches only cost disk here (2 GB or more).
export CARGO_INCREMENTAL=0
mkdir -p artifacts

say "The vendored Tauri API is the one package-lock.json pins (ui/vendor/tauri-api)"
node scripts/vendor-tauri-api.mjs --check

say "Formatting (cargo fmt --check)"
cargo fmt --all --check

say "Lints (cargo clippy, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

say "Building the CLI and the app"
cargo build --workspace --locked
export KEYWAY_BIN="$PWD/target/debug/keyway" KEYWAY_APP_BIN="$PWD/target/debug/keyway-app"

# Most Power BI users are on Windows: check that the whole workspace builds for Windows, in the
# background from here to the summary, so that it fills the time the tests below leave a core
# idle (niced, so that it never slows them). Debian's Rust (setup.sh installs it; the rustup
# toolchain on PATH has no Windows standard library) builds std for the target from source, which
# takes RUSTC_BOOTSTRAP on a stable compiler; its own target directory keeps it out of the way.
say "Checking the workspace for Windows, in the background (artifacts/windows-check.log)"
nice -n 10 env RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$PWD/target/windows-check" \
  /usr/bin/cargo check --workspace --all-targets --locked --target x86_64-pc-windows-gnu \
  -Zbuild-std=std,panic_abort >artifacts/windows-check.log 2>&1 &
windows_pid=$!

# The Rust tests and the browser tests do not share anything: run them side by side.
say "Rust tests, and (in parallel) the UI in headless Chromium and fakecloud against msal-node"
node --test --test-concurrency=2 tests/ui/ tests/fidelity/ >artifacts/ui-tests.log 2>&1 &
ui_pid=$!
rust_status=0
cargo test --workspace --locked || rust_status=$?
ui_status=0
wait "$ui_pid" || ui_status=$?
cat artifacts/ui-tests.log

say "fakecloud against the official MSAL for Python"
fidelity_status=0
(cd tests/fidelity && ../../.venv/bin/python -m pytest -q -p no:cacheprovider) || fidelity_status=$?

say "The real app window under Xvfb, over WebDriver"
window_status=0
# Every step in a desktop session has a time limit, so that a hang fails with its name instead of
# eating the whole CI time.
timeout --kill-after=20 900 scripts/headless-session.sh node --test --test-concurrency=1 tests/e2e/ || window_status=$?

say "The real keyring (Secret Service), the profile life cycle and the fault matrix, in a desktop session"
keyring_status=0
# The test binaries are built out here and run as they are inside the session: a cargo inside it
# sees another HOME and PATH, and some build scripts would build their crates again.
keyring_tests=$(cargo test --workspace --locked --test keyring --test faults --no-run --message-format=json |
  node -e 'for (const l of require("fs").readFileSync(0, "utf8").split("\n"))
    if (l.startsWith("{")) { const m = JSON.parse(l); if (m.profile?.test && m.executable) console.log(m.executable) }')
for test_bin in $keyring_tests; do
  timeout --kill-after=20 600 scripts/headless-session.sh env KEYWAY_TEST_SECRET_SERVICE=1 "$test_bin" ||
    keyring_status=$?
done

say "The Windows check (cargo check --target x86_64-pc-windows-gnu)"
windows_status=0
wait "$windows_pid" || windows_status=$?
if [ "$windows_status" -eq 0 ]; then tail -n 1 artifacts/windows-check.log; else tail -n 40 artifacts/windows-check.log; fi

say "Summary"
fail=0
for part in rust:$rust_status ui-and-msal-node:$ui_status msal-python:$fidelity_status window:$window_status keyring:$keyring_status windows-check:$windows_status; do
  name=${part%%:*}; code=${part##*:}
  if [ "$code" -eq 0 ]; then echo "  $name tests: passed"; else echo "  $name tests: FAILED"; fail=1; fi
done
echo "  screenshots: artifacts/*.png"
exit $fail
