#!/usr/bin/env bash
#
# A three-member Keel cluster on this host, like etcd's Procfile (seed 004):
#   m1: client 127.0.0.1:12379  peer 127.0.0.1:12380  metrics 127.0.0.1:12381
#   m2: client 127.0.0.1:22379  peer 127.0.0.1:22380  metrics 127.0.0.1:22381
#   m3: client 127.0.0.1:32379  peer 127.0.0.1:32380  metrics 127.0.0.1:32381
# Each member runs as a daemon from its own unpacked appliance under run/cluster/<name>/, with its
# data in run/cluster/<name>/data.
#
#   scripts/local-cluster.sh start    build if needed, start the three members, wait until healthy
#   scripts/local-cluster.sh start --tls   the same with mutual TLS on client and peer ports, with
#                                     certificates from `bin/keel certs` in run/cluster/pki/
#   scripts/local-cluster.sh start --dns
#                                     the same, but the members find each other by DNS SRV only: the
#                                     DNS fixture (bin/keel dns) serves run/cluster/dns.conf on
#                                     127.0.0.1:15353 (_etcd-server._tcp.keel.test -> localhost:12380 ...)
#                                     and each member gets --discovery-srv keel.test, no initial-cluster
#                                     (--tls and --dns combine: _etcd-server-ssl._tcp records then)
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
METRICS=(12381 22381 32381)
PKI="$BASE/pki"
DNS_PORT=15353
DOMAIN=keel.test
export ETCDCTL_API=3

# http, or https with TLS flags when the cluster was started with --tls (remembered in $BASE/tls)
scheme() { if [ -f "$BASE/tls" ]; then echo https; else echo http; fi; }
endpoints() { local s; s=$(scheme); echo "$s://127.0.0.1:12379,$s://127.0.0.1:22379,$s://127.0.0.1:32379"; }
ctl_tls() { [ -f "$BASE/tls" ] && echo "--cacert=$PKI/ca.pem --cert=$PKI/client.pem --key=$PKI/client-key.pem"; }

home() { echo "$BASE/$1/keel-$VERSION"; }

# The DNS fixture with the cluster's SRV records (dnsmasq syntax), run from m1's appliance.
start_dns() {
  local conf="$BASE/dns.conf" i
  {
    echo "# written by scripts/local-cluster.sh start --dns"
    echo "no-resolv"; echo "no-hosts"; echo "local=/$DOMAIN/"
    local srv=_etcd-server; [ "$(scheme)" = https ] && srv=_etcd-server-ssl
    for i in 0 1 2; do echo "srv-host=$srv._tcp.$DOMAIN,localhost,${PEER[$i]},0,100"; done
    local client=_etcd-client; [ "$(scheme)" = https ] && client=_etcd-client-ssl
    for i in 0 1 2; do echo "srv-host=$client._tcp.$DOMAIN,localhost,${CLIENT[$i]},0,100"; done
  } > "$conf"
  if [ -f "$BASE/dns.pid" ] && kill -0 "$(cat "$BASE/dns.pid")" 2>/dev/null; then
    kill -HUP "$(cat "$BASE/dns.pid")"   # already running: reload
  else
    nohup "$(home m1)/bin/keel" dns --conf "$conf" --port "$DNS_PORT" > "$BASE/dns.log" 2>&1 &
    echo $! > "$BASE/dns.pid"
  fi
  local deadline=$((SECONDS + 30))
  until grep -q "serving" "$BASE/dns.log" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 "$(cat "$BASE/dns.pid")" 2>/dev/null; then
      echo "local-cluster: the DNS fixture did not start; see $BASE/dns.log" >&2
      exit 1
    fi
    sleep 0.2
  done
}

start() {
  mkdir -p "$BASE"
  rm -f "$BASE/tls"
  local dns=false arg
  for arg in "$@"; do
    case "$arg" in
      --tls) touch "$BASE/tls" ;;
      --dns) dns=true ;;
      *) echo "local-cluster: unknown option $arg" >&2; exit 2 ;;
    esac
  done
  if [ ! -f "$TARBALL" ]; then
    echo "local-cluster: building the appliance..." >&2
    mvn -B -ntp -q install -DskipTests -pl assembly -am || { echo "local-cluster: build failed" >&2; exit 1; }
  fi
  local i name s tls=()
  s=$(scheme)
  for i in 0 1 2; do
    name=${NAMES[$i]}
    if [ ! -x "$(home "$name")/bin/keel" ]; then
      mkdir -p "$BASE/$name"
      tar xzf "$TARBALL" -C "$BASE/$name" || exit 1
    fi
  done
  if [ "$s" = https ]; then
    if [ ! -f "$PKI/ca.pem" ]; then
      "$(home m1)/bin/keel" certs --hosts 127.0.0.1,localhost --out "$PKI" >/dev/null || exit 1
    fi
    tls=(--cert-file "$PKI/server.pem" --key-file "$PKI/server-key.pem" --client-cert-auth --trusted-ca-file "$PKI/ca.pem"
      --peer-cert-file "$PKI/peer.pem" --peer-key-file "$PKI/peer-key.pem" --peer-client-cert-auth
      --peer-trusted-ca-file "$PKI/ca.pem")
  fi
  if $dns; then
    start_dns
  fi
  local cluster="m1=$s://127.0.0.1:12380,m2=$s://127.0.0.1:22380,m3=$s://127.0.0.1:32380"
  for i in 0 1 2; do
    name=${NAMES[$i]}
    local bootstrap=(--initial-advertise-peer-urls "$s://127.0.0.1:${PEER[$i]}" --initial-cluster "$cluster")
    if $dns; then
      # the peer URL is the one the SRV record names: $s://localhost:PORT
      bootstrap=(--initial-advertise-peer-urls "$s://localhost:${PEER[$i]}" --discovery-srv "$DOMAIN"
        --discovery-dns-server "127.0.0.1:$DNS_PORT")
    fi
    "$(home "$name")/bin/keel" start --name "$name" --data-dir "$BASE/$name/data" \
      --listen-client-urls "$s://127.0.0.1:${CLIENT[$i]}" --advertise-client-urls "$s://127.0.0.1:${CLIENT[$i]}" \
      --listen-peer-urls "$s://127.0.0.1:${PEER[$i]}" "${bootstrap[@]}" \
      --listen-metrics-urls "http://127.0.0.1:${METRICS[$i]}" \
      --initial-cluster-token keel-local-cluster --initial-cluster-state new "${tls[@]}" || exit 1
  done
  local deadline=$((SECONDS + 180))
  # shellcheck disable=SC2046
  until etcdctl --endpoints="$(endpoints)" $(ctl_tls) endpoint health >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      echo "local-cluster: not healthy after 180 s; logs in $BASE/*/keel-$VERSION/data/log/" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "local-cluster: 3 members serving on $(endpoints)"
  [ "$s" = https ] && echo "local-cluster: etcdctl --endpoints=$(endpoints) $(ctl_tls) ..."
  return 0
}

stop() {
  local name
  for name in "${NAMES[@]}"; do
    [ -x "$(home "$name")/bin/keel" ] && "$(home "$name")/bin/keel" stop
  done
  if [ -f "$BASE/dns.pid" ]; then
    kill "$(cat "$BASE/dns.pid")" 2>/dev/null
    rm -f "$BASE/dns.pid"
  fi
  return 0
}

status() {
  local e
  e=$(endpoints)
  # shellcheck disable=SC2046
  etcdctl --endpoints="$e" $(ctl_tls) -w table endpoint status
  # shellcheck disable=SC2046
  etcdctl --endpoints="${e%%,*}" $(ctl_tls) -w table member list
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  *) sed -n '3,19s/^# \{0,1\}//p' "$0"; exit 2 ;;
esac
