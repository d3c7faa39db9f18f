#!/usr/bin/env bash
# How keel-0.1.0-data-dir.zip and keel-0.1.0-backup.db were made (for LegacyDataDirTest, BackupFormatTest):
# the appliance of the build before the protobuf formats (0.1.0-SNAPSHOT, commit 0865e08), unpacked at
# $1, writes a data dir with the old log entry and snapshot formats: a snapshot after 50 entries, and
# old-format entries after it (puts, a lease checkpoint, a learner added and removed). The peer URL is
# fixed (the data dir keeps it); the client port is any free one.
#   make-legacy-data-dir.sh /path/to/unpacked/keel-0.1.0-SNAPSHOT /path/to/workdir
# then zip the workdir's legacy.etcd (without RocksDB's info LOG) and copy backup.db.
set -uo pipefail
K=$1
W=$2
D=$W/legacy.etcd
rm -rf "$D"
CP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
C=http://127.0.0.1:$CP; P=http://127.0.0.77:23801
cd "$W"
$K/bin/keel --name legacy --data-dir "$D" --listen-client-urls $C --advertise-client-urls $C \
  --listen-peer-urls $P --initial-advertise-peer-urls $P --initial-cluster legacy=$P --snapshot-count 50 > "$W/keel.out" 2>&1 &
PID=$!
E="etcdctl --endpoints=$C"
for i in $(seq 1 120); do $E endpoint health >/dev/null 2>&1 && break; sleep 1; done
$E put a 1; $E put b 1; $E put a 2; $E del b
LEASE=$($E lease grant 3600 | awk '{print $2}')
echo "lease $LEASE"
$E put leased v --lease=$LEASE
$E txn <<T
value("a") = "2"

put c 3
put d 4

put e 5

T
$E compact 4
for i in $(seq 1 60); do $E put k$i v$i >/dev/null || echo "put k$i failed"; done
ID=$($E member add learner1 --learner --peer-urls=http://127.0.0.1:9 | awk '/added/{print $2}'); echo "learner $ID"
sleep 6   # a lease checkpoint (every 5 s) lands in the log after the snapshot
for i in $(seq 61 75); do $E put k$i v$i >/dev/null || echo "put k$i failed"; done
$E member remove $ID; $E member list
$E put last yes
$E get "" --prefix -w json > "$W/dump.json"
$E lease timetolive $LEASE --keys
$E endpoint status -w json
$E snapshot save "$W/backup.db"
kill $PID; wait $PID || true
