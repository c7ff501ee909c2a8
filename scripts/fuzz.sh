#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo-fuzz, libFuzzer) of every target in fuzz/fuzz_targets/: the
# world loader, the journal reader, the SCIM filter parser, SCIM PATCH, the CSV import and
# `tworg apply` scripts. Each runs for SECONDS (default 60) on its corpus (fuzz/corpus/NAME/,
# grown in place); a crash is kept in fuzz/artifacts/NAME/ and the script fails after running
# every target. Commit new corpus entries and crashes: tests/fuzz_corpus.rs replays them all.
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
#
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain take them. No
# sanitizer (-s none): tworg has no unsafe code of its own to check, and the runs go further.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(ls fuzz/fuzz_targets | sed 's/\.rs$//' | sort)
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR=never
cargo fuzz build -s none -O
failed=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  echo "fuzz: $t for ${secs}s"
  if ! cargo fuzz run -s none -O "$t" "fuzz/corpus/$t" -- \
      -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 2>"fuzz/artifacts/$t.log"; then
    failed+=("$t")
    tail -40 "fuzz/artifacts/$t.log"
  fi
  grep -E "stat::number_of_executed_units|stat::new_units_added" "fuzz/artifacts/$t.log" | sed "s/^/fuzz: $t: /" || true
  rm -f "fuzz/artifacts/$t.log"
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: crashes in ${failed[*]}; inputs kept in fuzz/artifacts/" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${secs}s each, no crash"
