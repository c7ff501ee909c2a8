#!/usr/bin/env bash
# Runs the two independent SCIM 2.0 suites against `tworg scim serve`, as CI does:
#   - scim2-tester against an org whose Twilio userName/domain rules are off (it sends random
#     userNames and emails), and
#   - scim-sanity against an org with the rules on and a verified domain. scim-sanity 0.7.4 sends
#     userName == primary email == scim-sanity-test-…@example.com whatever --user-domain says (that
#     option only acts with --profile entra, which then breaks userName == email), so its org
#     (Owl Industries, which also verified owl-industries.example) adds and verifies example.com.
# Each org gets its own temporary world file and server (one writer per file), started on a free
# loopback port and stopped by its PID. Prints each suite's result and one closing
# 'N passed, N failed' line; exits non-zero unless both suites report 0 failed.
#
#   bash scripts/scim-conformance.sh     (SCIM_VENV picks the virtualenv; TWORG_BIN the binary,
#                                         as .ci/run exports it; else target/debug/tworg)
set -uo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
tworg=${TWORG_BIN:-${CARGO_TARGET_DIR:-$here/target}/debug/tworg}
venv=${SCIM_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/tworg-scim-venv}
[[ -x $tworg ]] || cargo build --quiet || exit 2

if [[ ! -x $venv/bin/scim-sanity ]]; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check \
    scim2-cli==0.6.0 scim2-tester==0.5.2 scim-sanity==0.7.4 || { echo "could not install the SCIM suites" >&2; exit 2; }
fi

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# start_server NAME RULES(on|off) -> sets URL and TOKEN
start_server() {
  local name=$1 rules=$2 w=$tmp/$1.ron
  "$tworg" --file "$w" init --demo 2>/dev/null || return 1
  "$tworg" --file "$w" org set scim-twilio-rules "$rules" >/dev/null 2>&1 || return 1
  if [[ $rules == on ]]; then
    { "$tworg" --file "$w" domain add example.com && "$tworg" --file "$w" dns publish example.com &&
      "$tworg" --file "$w" domain verify example.com; } >/dev/null 2>&1 || return 1
  fi
  TOKEN=$("$tworg" --file "$w" --json scim enable | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["secret"])') || return 1
  "$tworg" --file "$w" scim serve --listen 127.0.0.1:0 >"$tmp/$name.url" 2>"$tmp/$name.log" &
  pids+=($!)
  for _ in $(seq 100); do
    URL=$(head -n 1 "$tmp/$name.url" 2>/dev/null)
    [[ -n $URL ]] && return 0
    sleep 0.1
  done
  echo "the $name server did not start:" >&2; cat "$tmp/$name.log" >&2
  return 1
}

p1=0 f1=1 p2=0 f2=1
if start_server tester off; then
  echo "== scim2-tester ($URL, scim-twilio-rules off)"
  out=$(timeout 300 "$venv/bin/python" scripts/scim/scim2_tester_check.py "$URL" --token "$TOKEN" -v 2>&1)
  echo "$out"
  read -r p1 f1 < <(tail -n 1 <<<"$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p')
  [[ -n ${p1:-} ]] || { p1=0; f1=1; }
fi

if start_server sanity on; then
  echo "== scim-sanity ($URL, scim-twilio-rules on, verified domain example.com)"
  json=$(timeout 300 "$venv/bin/scim-sanity" probe "$URL" --token "$TOKEN" --i-accept-side-effects \
    --json-output --user-domain example.com --timeout 10 2>&1)
  counts=$("$venv/bin/python" - "$json" <<'PY'
import json, sys
try:
    doc = json.loads(sys.argv[1])
except Exception:
    print(sys.argv[1][-2000:], file=sys.stderr)
    print("0 1")
    sys.exit()
for r in doc.get("results", []):
    print(f"{r.get('status', '?'):6} {r.get('phase', '')}: {r.get('name', '')} {r.get('message', '') or ''}", file=sys.stderr)
s = doc.get("summary", {})
print(s.get("passed", 0), s.get("failed", 0) + s.get("errors", 0))
PY
)
  read -r p2 f2 <<<"$counts"
fi

echo "scim2-tester: $p1 passed, $f1 failed; scim-sanity: $p2 passed, $f2 failed"
echo "$((p1 + p2)) passed, $((f1 + f2)) failed"
(( f1 + f2 == 0 ))
