# Sourced by the bench scripts. free_port prints a 127.0.0.1 port for a server to listen on: one
# below the kernel's ephemeral range, so no outgoing connection (the members' own peer and client
# connections included) can be holding it by the time the server binds, picked at random and
# skipped if anything listens or connects on it now. (A port from bind(0) comes from that range,
# and a member's outgoing connection took one between the pick and the bind.)
free_port() {
  local p lo
  lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  while :; do
    p=$((15000 + RANDOM % (lo - 15000)))
    if ! ss -tanH 2>/dev/null | awk '{print $4}' | grep -q ":$p\$"; then
      echo "$p"
      return
    fi
  done
}
