#!/usr/bin/env bash
#
# keel.sh run [etcd flags]   build the appliance if needed, unpack it into ./run/ and run one
#                            member in the foreground on 127.0.0.1:2379 with its data in ./keel-data
# keel.sh test               run every test: the Maven build with unit and in-process tests, the
#                            Pax Exam tests (offline, in a private network namespace), the
#                            black-box tests of the unpacked appliance and the conformance suite
#                            (the same etcdctl/curl steps against real etcd 3.4 and Keel, compared)
# keel.sh cluster start [--tls] [--dns]|stop|status
#                            a three-member cluster on 127.0.0.1 (clients 12379/22379/32379);
#                            --tls: mutual TLS on client and peer ports; --dns: the members find
#                            each other by DNS SRV (the DNS fixture)
#
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$REPO" || exit 2

# KEEL_MVN_ARGS: extra Maven arguments for every build, e.g. -Dmaven.repo.local=/some/repo.
# shellcheck disable=SC2206
MVN=(mvn -B -ntp ${KEEL_MVN_ARGS:-})
# The project version: the first <version> in the root POM (the one after keel-parent).
VERSION=$(sed -n '/<artifactId>keel-parent<\/artifactId>/,/<\/version>/s/.*<version>\(.*\)<\/version>.*/\1/p' pom.xml | head -1)
TARBALL="$REPO/assembly/target/keel-$VERSION.tar.gz"

usage() {
  sed -n '3,11s/^# \{0,1\}//p' "$0"
  exit 2
}

# True if the tarball is missing or any source of it is newer.
needs_build() {
  [ -f "$TARBALL" ] || return 0
  [ -n "$(find pom.xml bundles features assembly etc -newer "$TARBALL" -not -path '*/target/*' -print -quit 2>/dev/null)" ]
}

cmd_run() {
  if needs_build; then
    echo "keel.sh: building the appliance (mvn install -DskipTests)..." >&2
    "${MVN[@]}" -q install -DskipTests -pl assembly -am || { echo "keel.sh: build failed" >&2; exit 1; }
  fi
  local home="$REPO/run/keel-$VERSION" stamp="$REPO/run/.unpacked-from"
  # Unpack afresh whenever the tarball changed (its size and mtime are the stamp).
  local id
  id=$(stat -c '%s %Y' "$TARBALL")
  if [ ! -x "$home/bin/keel" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$id" ]; then
    rm -rf "$home"
    mkdir -p "$REPO/run"
    tar xzf "$TARBALL" -C "$REPO/run" || { echo "keel.sh: cannot unpack $TARBALL" >&2; exit 1; }
    echo "$id" >"$stamp"
  fi
  mkdir -p "$REPO/keel-data"
  exec "$home/bin/keel" --data-dir "$REPO/keel-data" "$@"
}

# ---- test ------------------------------------------------------------------------------------

STEPS=()
FAILED=0

record() { # step name, exit code
  if [ "$2" -eq 0 ]; then STEPS+=("PASS  $1"); else STEPS+=("FAIL  $1 (exit $2)"); FAILED=1; fi
}

# Runs "$@" in a private network namespace that has only loopback: Pax Exam's RMI ports (random,
# on all interfaces, not configurable in 4.14) then cannot be reached from outside, and Maven
# must work offline.
in_private_netns() {
  local unshare=(unshare -n)
  [ "$(id -u)" -eq 0 ] || unshare=(unshare -r -n)
  "${unshare[@]}" bash -c 'ip link set lo up && exec "$@"' netns "$@"
}

# "passed failed" from a failsafe-summary.xml (0 0 if absent).
failsafe_counts() {
  local f=$1 completed errors failures skipped
  [ -f "$f" ] || { echo "0 0"; return; }
  completed=$(sed -n 's/.*<completed>\([0-9]*\)<.*/\1/p' "$f")
  errors=$(sed -n 's/.*<errors>\([0-9]*\)<.*/\1/p' "$f")
  failures=$(sed -n 's/.*<failures>\([0-9]*\)<.*/\1/p' "$f")
  skipped=$(sed -n 's/.*<skipped>\([0-9]*\)<.*/\1/p' "$f")
  echo "$((completed - errors - failures - skipped)) $((errors + failures))"
}

cmd_test() {
  local rc built=true
  local start=$SECONDS

  echo "==== (a) mvn install: build, unit and in-process tests" >&2
  "${MVN[@]}" install
  rc=$?
  record "mvn install (unit and in-process tests)" $rc
  if [ $rc -ne 0 ]; then
    echo "==== (a) failed; building without tests so the other layers can still report" >&2
    "${MVN[@]}" -q install -DskipTests || built=false
  fi

  local bb_pass=0 bb_fail=0 conf_pass=0 conf_fail=0
  if $built; then
    echo "==== (a2) bench smoke run against the freshly built appliance" >&2
    "${MVN[@]}" -o -pl bench test -Dtest=BenchSmokeTest -Dsurefire.failIfNoSpecifiedTests=false
    record "bench smoke" $?

    echo "==== (b) Pax Exam, offline, in a private network namespace" >&2
    rm -rf itests/karaf/target/exam itests/karaf/target/failsafe-reports
    in_private_netns "${MVN[@]}" -o -pl itests/karaf verify -DskipPaxExam=false
    rc=$?
    read -r p f < <(failsafe_counts itests/karaf/target/failsafe-reports/failsafe-summary.xml)
    record "Pax Exam ($p passed, $f failed)" $rc

    echo "==== (c) black-box tests of the unpacked appliance, offline, in a private network namespace" >&2
    # its own loopback: the reliability suite drops packets on it (nftables), which must never touch the host's
    rm -rf itests/blackbox/target/blackbox itests/blackbox/target/failsafe-reports
    in_private_netns "${MVN[@]}" -o -pl itests/blackbox verify -DskipBlackbox=false
    rc=$?
    read -r bb_pass bb_fail < <(failsafe_counts itests/blackbox/target/failsafe-reports/failsafe-summary.xml)
    [ $rc -eq 0 ] || [ "$bb_fail" -gt 0 ] || bb_fail=1  # a failure outside the tests counts too
    record "black-box ($bb_pass passed, $bb_fail failed)" $rc

    echo "==== (d) conformance: the same etcdctl and curl steps against real etcd and Keel" >&2
    rm -rf itests/conformance/target/conformance itests/conformance/target/failsafe-reports
    "${MVN[@]}" -o -pl itests/conformance verify -DskipConformance=false
    rc=$?
    local summary=itests/conformance/target/failsafe-reports/failsafe-summary.xml known
    read -r conf_pass conf_fail < <(failsafe_counts "$summary")
    known=$(sed -n 's/.*<skipped>\([0-9]*\)<.*/\1/p' "$summary" 2>/dev/null)
    [ $rc -eq 0 ] || [ "$conf_fail" -gt 0 ] || conf_fail=1
    record "conformance ($conf_pass passed, $conf_fail failed, ${known:-0} known differences skipped)" $rc
  else
    record "build without tests (nothing else could run)" 1
  fi

  echo
  echo "==== summary ($(( (SECONDS - start) / 60 )) min)"
  printf '%s\n' "${STEPS[@]}"
  echo "black-box and conformance: $((bb_pass + conf_pass)) passed, $((bb_fail + conf_fail)) failed"
  echo "$((bb_pass + conf_pass)) passed, $((bb_fail + conf_fail)) failed"
  return $FAILED
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  cluster) shift; exec "$REPO/scripts/local-cluster.sh" "$@" ;;
  test) shift; [ $# -eq 0 ] || usage; cmd_test ;;
  *) usage ;;
esac
