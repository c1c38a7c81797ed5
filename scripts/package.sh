#!/usr/bin/env bash
# Builds Keyway's Linux installers with the Tauri CLI and prints their sizes.
#   scripts/package.sh            the .deb
#   scripts/package.sh deb,rpm    both Linux packages
# (.msi/NSIS and .dmg are configured in src-tauri/tauri.conf.json and build on Windows and macOS.)
set -euo pipefail
cd "$(dirname "$0")/.."
bundles=${1:-deb}
scripts/setup.sh test
printf '\033[1m==> %s\033[0m\n' "Building the release app and bundling: $bundles"
(cd src-tauri && ../node_modules/.bin/tauri build --bundles "$bundles" --ci)
for f in target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm; do
  [ -f "$f" ] || continue
  printf '%s  %s KiB\n' "$f" "$(( $(stat -c %s "$f") / 1024 ))"
done
