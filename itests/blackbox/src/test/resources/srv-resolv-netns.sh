#!/usr/bin/env bash
#
# DNS SRV through the system resolver, as etcd and etcdctl use it, without touching the host's:
# run inside a private mount + network namespace (unshare -m -n, made by DnsBootstrapIT), where
# /etc/resolv.conf is bind-mounted to "nameserver 127.0.0.1" and the DNS server answers on port 53.
# Three members started with only --name and --discovery-srv (no discovery-dns-server) find each
# other in the SRV records; then `etcdctl --discovery-srv` finds them through _etcd-client._tcp.
# Names are resolved through the same DNS (host-record), as in a datacenter.
#
#   srv-resolv-netns.sh WORK_DIR fixture|dnsmasq HOME0 HOME1 HOME2
# (fixture: bin/keel dns; dnsmasq: Debian's dnsmasq-base, the same file.)
set -u
work=$1 server=$2
shift 2
homes=("$@")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT
trap 'exit 1' TERM INT

ip link set lo up || exit 1
printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:2\n' > "$work/resolv.conf"
mount --bind "$work/resolv.conf" /etc/resolv.conf || { echo "cannot bind-mount resolv.conf" >&2; exit 1; }
{
  echo "no-resolv"; echo "no-hosts"; echo "local=/example.com/"
  for i in 0 1 2; do
    echo "srv-host=_etcd-server._tcp.example.com,infra$i.example.com,$((i + 1))2380,0,100"
    echo "srv-host=_etcd-client._tcp.example.com,infra$i.example.com,$((i + 1))2379,0,100"
    echo "host-record=infra$i.example.com,127.0.0.1"
  done
} > "$work/dns.conf"
if [ "$server" = dnsmasq ]; then
  /usr/sbin/dnsmasq --no-daemon --conf-file="$work/dns.conf" --port=53 --listen-address=127.0.0.1 --bind-interfaces \
    --pid-file= --user="$(id -un)" > "$work/dns.log" 2>&1 & pids+=($!)
else
  "${homes[0]}/bin/keel" dns --conf "$work/dns.conf" --port 53 > "$work/dns.log" 2>&1 & pids+=($!)
fi
for i in 0 1 2; do
  "${homes[$i]}/bin/keel" --name "infra$i" --data-dir "$work/data$i" --discovery-srv example.com \
    --initial-advertise-peer-urls "http://infra$i.example.com:$((i + 1))2380" --listen-peer-urls "http://127.0.0.1:$((i + 1))2380" \
    --listen-client-urls "http://127.0.0.1:$((i + 1))2379" --advertise-client-urls "http://127.0.0.1:$((i + 1))2379" \
    --listen-metrics-urls "http://127.0.0.1:$((i + 1))2381" \
    > "$work/member$i.log" 2>&1 & pids+=($!)
done

export ETCDCTL_API=3
deadline=$((SECONDS + 240))
until [ "$(etcdctl --discovery-srv example.com member list 2>/dev/null | grep -c ', started, infra')" = 3 ]; do
  if [ $SECONDS -ge $deadline ]; then
    echo "no three named members; logs:" >&2; tail -n 5 "$work"/member*.log >&2
    # a member that logs nothing at all: what its JVMs are doing
    for h in "${homes[@]}"; do
      for p in $(pgrep -f "karaf.home=${h%/}( |$)" || true); do
        echo "---- threads of $p ($h)" >&2; jcmd "$p" Thread.print >&2 2>&1 || true
      done
    done
    exit 1
  fi
  sleep 1
done
# a put right after the cluster formed may meet "etcdserver: leader changed" (the first term settling),
# which etcd's clients do not retry for a put; retry that error only, a bounded number of times.
# (Each member needs a metrics port of its own: with the appliance's default 127.0.0.1:2381 for all
# three, two ended at start, as etcd does, and the cluster lost its leader right after forming.)
for attempt in 1 2 3 4 5; do
  if out=$(etcdctl --discovery-srv example.com put /srv/k from-srv 2>&1); then break; fi
  echo "put attempt $attempt: $out"
  case "$out" in *"leader changed"*) sleep 1 ;; *) exit 1 ;; esac
  [ "$attempt" = 5 ] && exit 1
done
echo "get: $(etcdctl --discovery-srv example.com get /srv/k --print-value-only)"
etcdctl --discovery-srv example.com member list | sed 's/^/member: /'
