#!/usr/bin/env bash
# Runs Keyway's fuzz targets (fuzz/fuzz_targets/) with cargo fuzz (libFuzzer, nightly):
#   scripts/fuzz.sh [SECONDS] [TARGET...]     # default: 60 s each, every target, one at a time
# Installs cargo-fuzz if missing. Set FUZZ_LOCK=/path/to/lockfile to hold a flock around the
# build (not the runs). New inputs go to fuzz/target/corpus/TARGET (ignored by git): the
# committed seeds in fuzz/corpus/TARGET are only read. Crashes land in fuzz/artifacts/TARGET/.
# Prints, per target, the executions (libFuzzer's stat::number_of_executed_units) and whether
# it crashed; exits non-zero if any did.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=()
  for f in fuzz/fuzz_targets/*.rs; do targets+=("$(basename "$f" .rs)"); done
fi

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
locked() { if [ -n "${FUZZ_LOCK:-}" ]; then flock "$FUZZ_LOCK" "$@"; else "$@"; fi; }
(cd fuzz && locked cargo +nightly fuzz build "${targets[@]:0:1}" >/dev/null)
for t in "${targets[@]:1}"; do (cd fuzz && locked cargo +nightly fuzz build "$t" >/dev/null); done

failed=0
summary=()
for t in "${targets[@]}"; do
  work="fuzz/target/corpus/$t"
  log="fuzz/target/fuzz-$t.log"
  mkdir -p "$work" "fuzz/artifacts/$t"
  status=ok
  # Paths are relative to fuzz/, where cargo fuzz runs.
  if ! (cd fuzz && cargo +nightly fuzz run "$t" "target/corpus/$t" "corpus/$t" -- \
      -max_total_time="$secs" -print_final_stats=1) >"$log" 2>&1; then
    status=CRASHED
    failed=1
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  if [ -z "$execs" ]; then
    execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  fi
  line="$t: ${execs:-?} executions in ${secs}s, $status"
  if [ "$status" != ok ]; then
    line="$line (log $log; inputs in fuzz/artifacts/$t/)"
  fi
  echo "$line"
  summary+=("$line")
done
echo "--- summary"
printf '%s\n' "${summary[@]}"
exit $failed
