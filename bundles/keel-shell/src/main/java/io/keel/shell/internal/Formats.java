package io.keel.shell.internal;

import io.keel.api.Alarm;
import io.keel.api.lease.LeaseGrant;
import io.keel.api.lease.LeaseTimeToLive;
import io.keel.api.kv.KeyValue;
import io.keel.api.watch.Event;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The console's text, taken from etcdctl's simple printer where etcdctl has one, so an operator
 * reads the same lines in both: a key-value is its key then its value on the next line, a watch
 * event is its type, key and value, a lease line reads {@code lease 694d77aa9e38260f granted with
 * TTL(60s)}.
 */
public final class Formats {
  private Formats() {}

  public static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** etcdctl get's lines for one key-value: the key, then (unless keys only) the value. */
  public static List<String> keyValue(KeyValue kv, boolean keysOnly) {
    List<String> lines = new ArrayList<>();
    lines.add(text(kv.key()));
    if (!keysOnly) {
      lines.add(text(kv.value()));
    }
    return lines;
  }

  /** etcdctl watch's lines for one event: PUT or DELETE, the key, the value (empty for DELETE). */
  public static List<String> event(Event e, boolean prevKv) {
    List<String> lines = new ArrayList<>();
    lines.add(e.type().name());
    if (prevKv && e.prevKv() != null) {
      lines.addAll(keyValue(e.prevKv(), false));
    }
    lines.add(text(e.kv().key()));
    lines.add(text(e.kv().value()));
    return lines;
  }

  public static String leaseGranted(LeaseGrant g) {
    return "lease " + Ids.lease(g.id()) + " granted with TTL(" + g.ttlSeconds() + "s)";
  }

  public static String leaseRevoked(long id) {
    return "lease " + Ids.lease(id) + " revoked";
  }

  public static String leaseKeptAlive(long id, long ttl) {
    return "lease " + Ids.lease(id) + " keepalived with TTL(" + ttl + ")";
  }

  /** etcdctl lease timetolive's line (with keys if asked: {@code , attached keys([a b])}). */
  public static String leaseTimeToLive(LeaseTimeToLive t, boolean withKeys) {
    if (t.ttlSeconds() == -1) {
      return "lease " + Ids.lease(t.id()) + " already expired";
    }
    StringBuilder sb = new StringBuilder("lease ").append(Ids.lease(t.id())).append(" granted with TTL(")
        .append(t.grantedTtlSeconds()).append("s), remaining(").append(t.ttlSeconds()).append("s)");
    if (withKeys) {
      List<String> keys = new ArrayList<>();
      t.keys().forEach(k -> keys.add(text(k)));
      sb.append(", attached keys([").append(String.join(" ", keys)).append("])"); // Go's %v of a []string
    }
    return sb.toString();
  }

  public static List<String> leaseList(List<Long> ids) {
    List<String> lines = new ArrayList<>();
    lines.add("found " + ids.size() + " leases");
    ids.forEach(id -> lines.add(Ids.lease(id)));
    return lines;
  }

  /** etcdctl alarm list's line (the member ID in decimal, as etcdctl prints it). */
  public static String alarm(Alarm a) {
    return "memberID:" + Long.toUnsignedString(a.memberId()) + " alarm:" + a.type().name();
  }

  /**
   * A byte count as etcdctl's tables show it (go-humanize's SI {@code Bytes}): {@code 25 kB},
   * {@code 1.2 MB}, {@code 999 B}.
   */
  public static String bytes(long n) {
    if (n < 10) {
      return n + " B";
    }
    String[] units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    int e = (int) Math.floor(Math.log(n) / Math.log(1000));
    double value = Math.floor(n / Math.pow(1000, e) * 10 + 0.5) / 10;
    return (value < 10 ? String.format("%.1f", value) : String.format("%.0f", Math.rint(value)) /* Go rounds half to even */) + " " + units[e];
  }
}
