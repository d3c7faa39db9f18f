#!/usr/bin/env bash
#
# A three-member Keel cluster on this host, like etcd's Procfile (seed 004):
#   m1: client 127.0.0.1:12379  peer 127.0.0.1:12380
#   m2: client 127.0.0.1:22379  peer 127.0.0.1:22380
#   m3: client 127.0.0.1:32379  peer 127.0.0.1:32380
# Each member runs as a daemon from its own unpacked appliance under run/cluster/<name>/, with its
# data in run/cluster/<name>/data.
#
#   scripts/local-cluster.sh start    build if needed, start the three members, wait until healthy
#   scripts/local-cluster.sh stop     stop them
#   scripts/local-cluster.sh status   endpoint status and member list, as tables
# (./keel.sh cluster start|stop|status runs this.)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO" || exit 2
VERSION=$(sed -n '/<artifactId>keel-parent<\/artifactId>/,/<\/version>/s/.*<version>\(.*\)<\/version>.*/\1/p' pom.xml | head -1)
TARBALL="$REPO/assembly/target/keel-$VERSION.tar.gz"
BASE="$REPO/run/cluster"
NAMES=(m1 m2 m3)
CLIENT=(12379 22379 32379)
PEER=(12380 22380 32380)
CLUSTER="m1=http://127.0.0.1:12380,m2=http://127.0.0.1:22380,m3=http://127.0.0.1:32380"
ENDPOINTS="127.0.0.1:12379,127.0.0.1:22379,127.0.0.1:32379"
export ETCDCTL_API=3

home() { echo "$BASE/$1/keel-$VERSION"; }

start() {
  if [ ! -f "$TARBALL" ]; then
    echo "local-cluster: building the appliance..." >&2
    mvn -B -ntp -q install -DskipTests -pl assembly -am || { echo "local-cluster: build failed" >&2; exit 1; }
  fi
  local i name
  for i in 0 1 2; do
    name=${NAMES[$i]}
    if [ ! -x "$(home "$name")/bin/keel" ]; then
      mkdir -p "$BASE/$name"
      tar xzf "$TARBALL" -C "$BASE/$name" || exit 1
    fi
    "$(home "$name")/bin/keel" start --name "$name" --data-dir "$BASE/$name/data" \
      --listen-client-urls "http://127.0.0.1:${CLIENT[$i]}" --advertise-client-urls "http://127.0.0.1:${CLIENT[$i]}" \
      --listen-peer-urls "http://127.0.0.1:${PEER[$i]}" --initial-advertise-peer-urls "http://127.0.0.1:${PEER[$i]}" \
      --initial-cluster "$CLUSTER" --initial-cluster-token keel-local-cluster --initial-cluster-state new || exit 1
  done
  local deadline=$((SECONDS + 60))
  until etcdctl --endpoints="$ENDPOINTS" endpoint health >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      echo "local-cluster: not healthy after 60 s; logs in $BASE/*/keel-$VERSION/data/log/" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "local-cluster: 3 members serving on $ENDPOINTS"
}

stop() {
  local name
  for name in "${NAMES[@]}"; do
    [ -x "$(home "$name")/bin/keel" ] && "$(home "$name")/bin/keel" stop
  done
  return 0
}

status() {
  etcdctl --endpoints="$ENDPOINTS" -w table endpoint status
  etcdctl --endpoints="${ENDPOINTS%%,*}" -w table member list
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) sed -n '3,13s/^# \{0,1\}//p' "$0"; exit 2 ;;
esac
