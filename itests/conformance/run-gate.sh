#!/usr/bin/env bash
#
# The conformance gate: runs the shared etcd v3 conformance kit (golden mode) against a fresh Keel
# appliance and fails unless every case listed in required-cases.txt passes.
#
#   itests/conformance/run-gate.sh            # the appliance in assembly/target/keel-*.tar.gz
#   KEEL_GATE_SERVER=etcd itests/conformance/run-gate.sh   # the real etcd instead (checks the gate)
#
# Environment: KEEL_CONFORMANCE_KIT (default ../shared/conformance next to the repository, or next
# to the repository it was cloned from),
# KEEL_TARBALL (default assembly/target/keel-*.tar.gz), SHOW_DIFFS=1 (diffs of failing cases).
# The node binds 127.0.0.1 only, on free ports; it is stopped on every exit path.
# Prints each required case's result, the kit's overall count, and "N passed, M failed" for the
# required cases; exits 0 only if all required cases pass.

set -u
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
REQUIRED="$HERE/required-cases.txt"
SERVER=${KEEL_GATE_SERVER:-keel}

if [ -n "${KEEL_CONFORMANCE_KIT:-}" ]; then
  KIT=$(cd "$KEEL_CONFORMANCE_KIT" && pwd) || exit 2
else
  # next to the repository; for a clone made elsewhere (git clone . /tmp/x), next to the
  # repository it was cloned from
  ORIGIN=$(git -C "$REPO" remote get-url origin 2>/dev/null || true)
  KIT=""
  for candidate in "$REPO/../shared/conformance" ${ORIGIN:+"$ORIGIN/../shared/conformance"}; do
    if [ -d "$candidate" ]; then
      KIT=$(cd "$candidate" && pwd)
      break
    fi
  done
  [ -n "$KIT" ] || {
    echo "gate: conformance kit not found at $REPO/../shared/conformance${ORIGIN:+ nor next to $ORIGIN}" \
      "(set KEEL_CONFORMANCE_KIT)" >&2
    exit 2
  }
fi
[ -x "$KIT/diff-against-reference.sh" ] || { echo "gate: no diff-against-reference.sh in $KIT" >&2; exit 2; }
[ -f "$REQUIRED" ] || { echo "gate: $REQUIRED missing" >&2; exit 2; }

WORK="$REPO/itests/conformance/target/gate-$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$WORK"
PID=""

stop_node() {
  [ -n "$PID" ] || return 0
  if kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null
    for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$PID" 2>/dev/null; then
      echo "gate: node $PID ignored SIGTERM for 30 s; killing it" >&2
      kill -KILL "$PID" 2>/dev/null
    fi
  fi
  wait "$PID" 2>/dev/null
  PID=""
}
trap stop_node EXIT
trap 'exit 130' INT TERM

port_in_use() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    # the kit's reference etcd uses 42379/42380
    [ "$p" = 42379 ] || [ "$p" = 42380 ] && continue
    port_in_use "$p" || { echo "$p"; return; }
  done
}

CLIENT_PORT=$(free_port)
PEER_PORT=$(free_port)
while [ "$PEER_PORT" = "$CLIENT_PORT" ]; do PEER_PORT=$(free_port); done
CLIENT="http://127.0.0.1:$CLIENT_PORT"
PEER="http://127.0.0.1:$PEER_PORT"
FLAGS=(--name=default --data-dir="$WORK/data"
  --listen-client-urls="$CLIENT" --advertise-client-urls="$CLIENT"
  --listen-peer-urls="$PEER" --initial-advertise-peer-urls="$PEER" --initial-cluster="default=$PEER")

if [ "$SERVER" = etcd ]; then
  CMD=(etcd)
else
  TARBALL=${KEEL_TARBALL:-$(ls -t "$REPO"/assembly/target/keel-*.tar.gz 2>/dev/null | head -1)}
  [ -f "$TARBALL" ] || { echo "gate: no appliance tarball (build it: mvn -B install -DskipTests)" >&2; exit 2; }
  mkdir -p "$WORK/appliance"
  tar xzf "$TARBALL" -C "$WORK/appliance" || { echo "gate: cannot unpack $TARBALL" >&2; exit 2; }
  CMD=("$(ls -d "$WORK"/appliance/*/ | head -1)bin/keel")
fi

echo "gate: starting $SERVER on $CLIENT (peer $PEER), work $WORK" >&2
UNSET=()
for v in $(compgen -e | grep '^ETCD_'); do UNSET+=(-u "$v"); done
cd "$WORK" || exit 2
# env execs the node (and bin/keel execs down to the JVM), so $! is the process to signal.
env "${UNSET[@]}" "${CMD[@]}" "${FLAGS[@]}" >"$WORK/node.out" 2>&1 </dev/null &
PID=$!

healthy=false
for _ in $(seq 1 120); do
  if ! kill -0 "$PID" 2>/dev/null; then break; fi
  if ETCDCTL_API=3 etcdctl --endpoints="127.0.0.1:$CLIENT_PORT" --dial-timeout=2s --command-timeout=3s \
      endpoint health >/dev/null 2>&1; then
    healthy=true
    break
  fi
  sleep 0.5
done
if ! $healthy; then
  echo "gate: $SERVER did not become healthy within 60 s; last output:" >&2
  tail -n 40 "$WORK/node.out" >&2
  [ -f "$WORK"/appliance/*/data/log/karaf.log ] && tail -n 40 "$WORK"/appliance/*/data/log/karaf.log >&2
  exit 1
fi

RESULTS_DIR="$WORK/results" timeout 1200 "$KIT/diff-against-reference.sh" --golden "127.0.0.1:$CLIENT_PORT" \
  >"$WORK/kit.out" 2>"$WORK/kit.err"
kit_rc=$?
stop_node
echo "gate: kit exit code $kit_rc; overall: $(tail -n 1 "$WORK/kit.out"); results in $WORK/results" >&2

pass=0
fail=0
while IFS= read -r line; do
  case="${line%%#*}"
  case="${case//[[:space:]]/}"
  [ -n "$case" ] || continue
  result=$(sed -n -E "s/^(PASS|FAIL) [0-9]+_${case}\$/\\1/p" "$WORK/kit.out" | head -1)
  [ -n "$result" ] || result="MISSING"
  echo "$result $case"
  if [ "$result" = PASS ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
  if [ "$result" != PASS ] && [ "${SHOW_DIFFS:-0}" = 1 ]; then
    cat "$WORK"/results/diffs/*_"$case".diff 2>/dev/null >&2
  fi
done <"$REQUIRED"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
