#!/bin/sh
# Makes etcd-3.4.db with real etcd 3.4 (EtcdSnapshotFileTest pins what it holds): overwrites, a
# delete, a leased key, a compaction, a user and a role. Ports 23791/23801 on 127.0.0.1.
set -eu
dir=$(mktemp -d)
etcd --name e1 --data-dir "$dir/e1" --listen-client-urls http://127.0.0.1:23791 \
  --advertise-client-urls http://127.0.0.1:23791 --listen-peer-urls http://127.0.0.1:23801 \
  --initial-advertise-peer-urls http://127.0.0.1:23801 --initial-cluster e1=http://127.0.0.1:23801 \
  >"$dir/etcd.log" 2>&1 &
pid=$!
trap 'kill $pid; rm -rf "$dir"' EXIT
export ETCDCTL_API=3
E="etcdctl --endpoints 127.0.0.1:23791"
for i in 1 2 3 4 5 6 7 8 9 10; do $E endpoint health >/dev/null 2>&1 && break; sleep 1; done
for i in 1 2 3; do $E put k$i v$i; done   # 2 3 4
$E put k1 v1b                               # 5
$E del k2                                   # 6
L=$($E lease grant 600 | awk '{print $2}')
$E put leased x --lease="$L"                # 7
$E put k1 v1c                               # 8
$E compact 5
$E put k3 v3b                               # 9
$E user add root:pw
$E role add r1
$E role grant-permission r1 readwrite a b
$E user grant-role root r1
$E snapshot save "$(dirname "$0")/etcd-3.4.db"
