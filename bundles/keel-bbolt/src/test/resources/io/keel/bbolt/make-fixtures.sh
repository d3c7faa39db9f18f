#!/usr/bin/env bash
# Makes the etcd 3.4 snapshot fixtures BoltReaderEtcdTest reads, with the real etcd and etcdctl:
#   etcd-small.db  a fresh member with a few keys, a lease, an overwrite and a delete (all buckets inline but key)
#   etcd-big.db    20000 keys (branch pages), a 1.5 MiB value (overflow pages), overwrites, deletes, a compaction
# Each is `etcdctl snapshot save`'s file (bbolt file + 32-byte SHA-256). Prints `etcdctl snapshot status -w json`
# for each: BoltReaderEtcdTest records those numbers. Run from this directory; needs etcd, etcdctl, python3.
set -euo pipefail
ETCD=${ETCD:-/usr/bin/etcd}
ETCDCTL=${ETCDCTL:-/usr/bin/etcdctl}
export ETCDCTL_API=3
out=$(pwd)
tmp=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

start() {
  cport=$(free_port); pport=$(free_port)
  ep=127.0.0.1:$cport
  "$ETCD" --name fixture --data-dir "$tmp/$1.etcd" --listen-client-urls "http://$ep" --advertise-client-urls "http://$ep" \
    --listen-peer-urls "http://127.0.0.1:$pport" --initial-advertise-peer-urls "http://127.0.0.1:$pport" \
    --initial-cluster "fixture=http://127.0.0.1:$pport" --max-txn-ops 10000 --max-request-bytes 4000000 \
    >"$tmp/$1.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do "$ETCDCTL" --endpoints "$ep" endpoint health >/dev/null 2>&1 && return; sleep 0.1; done
  echo "etcd did not start" >&2; cat "$tmp/$1.log" >&2; exit 1
}
stop() { kill "$pid"; wait "$pid" || true; pid=; }
ctl() { "$ETCDCTL" --endpoints "$ep" "$@"; }
save() {
  ctl snapshot save "$out/$1" >/dev/null 2>&1
  echo "$1: $(ctl snapshot status "$out/$1" -w json)"
}

start small
lease=$(ctl lease grant 3600 | awk '{print $2}')
ctl put foo bar >/dev/null
ctl put foo baz >/dev/null
ctl put gone x >/dev/null
ctl del gone >/dev/null
ctl put --lease="$lease" leased v >/dev/null
save etcd-small.db
stop

start big
# 20000 keys in txns of 5000: the key bucket's revisions fill several levels of pages
for t in 0 1 2 3; do
  { echo; for i in $(seq $((t * 5000)) $((t * 5000 + 4999))); do printf 'put key%06d value%d\n' "$i" "$i"; done; echo; echo; } |
    ctl txn >/dev/null
done
# overwrite every tenth key, delete every hundredth
{ echo; for i in $(seq 0 10 19990); do printf 'put key%06d again%d\n' "$i" "$i"; done; echo; echo; } | ctl txn >/dev/null
{ echo; for i in $(seq 5 100 19905); do printf 'del key%06d\n' "$i"; done; echo; echo; } | ctl txn >/dev/null
rev=$(ctl put marker m -w json | python3 -c 'import json,sys; print(json.load(sys.stdin)["header"]["revision"])')
ctl compact --physical "$rev" >/dev/null
# 1.5 MiB value: BoltReaderEtcdTest.bigValue() makes the same bytes
python3 -c 'import sys; sys.stdout.write("".join(chr(97 + (i * 7 + i // 4096) % 26) for i in range(1572864)))' |
  ctl put big >/dev/null
lease=$(ctl lease grant 3600 | awk '{print $2}')
ctl put --lease="$lease" leased v >/dev/null
save etcd-big.db
stop
