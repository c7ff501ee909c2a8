#!/usr/bin/env bash
# Scale benchmarks for issue 11, in one run: generates worlds of 1,000 and 100,000 users (and
# 1,000,000 with BENCH_1M=1), times the release binary on them (medians of several runs, peak RSS
# from /usr/bin/time), then runs the divan benchmarks (`cargo bench --bench durability`, and
# `--bench console_memory`, and `--bench console` with BENCH_CONSOLE=1). It prints what the README
# quotes; it asserts nothing.
#
#   bash scripts/bench-scale.sh            # 1k and 100k (a few minutes)
#   BENCH_1M=1 bash scripts/bench-scale.sh # also 1M users (needs ~3 GB of memory and ~1 GB of disk)
#
# Run it on a quiet machine: other work on the same cores shows up in every figure.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
LOCK=${CARGO_LOCK:-/tmp/tworg-cargo.lock}
cargo_() { if [[ -e $LOCK ]] || touch "$LOCK" 2>/dev/null; then flock "$LOCK" cargo "$@"; else cargo "$@"; fi; }

cargo_ build --release --quiet
BIN="$PWD/target/release/tworg"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tworg-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
RUNS=${RUNS:-5}

# median of the wall times (seconds) of running "$@" $RUNS times; prints "median max_rss_kb"
measure() {
  local times=() rss=0 out
  for ((i = 0; i < RUNS; i++)); do
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -o "$WORK/time" -f "%M" "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    out=$(tail -1 "$WORK/time")
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", (b-a)/1e9}')")
    (( out > rss )) && rss=$out
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v rss="$rss" '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.4f %d\n", m, rss}'
}

sizes=(1000 100000)
[[ ${BENCH_1M:-0} == 1 ]] && sizes+=(1000000)
declare -A LOAD RSS BYTES CHANGE
for n in "${sizes[@]}"; do
  f="$WORK/w$n.ron"
  "$BIN" world generate --users "$n" --accounts $((n / 20 > 10 ? n / 20 : 10)) --file "$f" >/dev/null
  BYTES[$n]=$(stat -c %s "$f")
  read -r LOAD[$n] RSS[$n] < <(measure "$BIN" --file "$f" check)
  # one CLI change: load, apply, journal + fsync, exit
  read -r CHANGE[$n] _ < <(measure "$BIN" --file "$f" org rename "Renamed")
  echo "$n users: file $((BYTES[$n] / 1000000)) MB; check ${LOAD[$n]} s, peak RSS $((RSS[$n] / 1000)) MB ($(awk -v r="${RSS[$n]}" -v b="${BYTES[$n]}" 'BEGIN{printf "%.1f", r*1024/b}')x the file); one CLI change ${CHANGE[$n]} s"
done

# tworg apply: 10,000 invitations in the 100,000-user world (a fresh copy each run)
script="$WORK/invites.tworg"
for ((k = 0; k < 10000; k++)); do echo "user invite invitee.$k@org0.generated.example"; done >"$script"
apply_once() { cp "$WORK/w100000.ron" "$WORK/a.ron"; rm -f "$WORK"/a.ron.*; "$BIN" --file "$WORK/a.ron" apply "$script"; }
export -f apply_once; export BIN WORK script
read -r APPLY _ < <(RUNS=3 measure bash -c apply_once)
echo "tworg apply, 10,000 invitations at 100,000 users: $APPLY s = $(awk -v a="$APPLY" -v c="${CHANGE[100000]}" 'BEGIN{printf "%.1f", a/c}')x one CLI change"

# the console, headless: load + first frame (render without --save takes no lock)
for n in "${sizes[@]}"; do
  read -r FRAME _ < <(RUNS=3 measure "$BIN" --file "$WORK/w$n.ron" render --keys "" --size 100x30)
  echo "$n users: console first frame $FRAME s = $(awk -v a="$FRAME" -v c="${LOAD[$n]}" 'BEGIN{printf "%.2f", a/c}')x check"
done

if [[ ${BENCH_1M:-0} == 1 ]]; then
  echo "load at 1,000,000 users = $(awk -v a="${LOAD[1000000]}" -v c="${LOAD[100000]}" 'BEGIN{printf "%.1f", a/c}')x load at 100,000"
fi

rm -f "$WORK"/w*.ron*
cargo_ bench --quiet --bench console_memory 2>/dev/null
cargo_ bench --quiet --bench durability 2>/dev/null
[[ ${BENCH_CONSOLE:-0} == 1 ]] && cargo_ bench --quiet --bench console 2>/dev/null
true
