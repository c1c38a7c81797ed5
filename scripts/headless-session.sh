#!/usr/bin/env bash
# Runs a command inside a private desktop session: its own X display (Xvfb), its own D-Bus
# session bus, and an unlocked Secret Service (gnome-keyring), all in a throwaway home folder.
# Nothing leaks into the caller's session, and everything stops when the command ends.
#   scripts/headless-session.sh COMMAND [ARGS...]
set -euo pipefail

tmp=$(mktemp -d -t keyway-session.XXXXXX)
mkdir -p "$tmp/home" "$tmp/runtime"
chmod 700 "$tmp/runtime"
xvfb_pid=
cleanup() {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# Xvfb picks a free display number itself and writes it to fd 3.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 1 100); do
  [ -s "$tmp/display" ] && break
  sleep 0.05
done
if [ ! -s "$tmp/display" ]; then
  echo "Xvfb did not start:" >&2
  cat "$tmp/xvfb.log" >&2
  exit 1
fi

export DISPLAY=":$(head -n1 "$tmp/display")"
# Keep the caller's Rust toolchain reachable once HOME moves.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export PATH="$CARGO_HOME/bin:$PATH"
export HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/runtime"
export XDG_CONFIG_HOME="$tmp/home/.config" XDG_DATA_HOME="$tmp/home/.local/share"
export NO_AT_BRIDGE=1 GTK_USE_PORTAL=0
export KEYWAY_SESSION_DIR="$tmp"

dbus-run-session -- bash -c '
  eval "$(printf keyway-test | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
  "$@"
' keyway-session "$@"
