package io.keel.grpc.internal.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.keel.api.Member;
import io.keel.api.v2.V2PeerStats;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * etcd's {@code /v2/stats/self} and {@code /v2/stats/leader} documents (its v2stats ServerStats and
 * LeaderStats as Go's encoding/json writes them): times in RFC 3339 with nanoseconds in the local
 * zone, the leader's uptime as a Go duration, floats in Go's shortest form, the rates left out
 * while zero.
 */
final class V2StatsJson {
  private V2StatsJson() {}

  /**
   * This member's document: {@code leader} is the member it knows as leader (0: none), which is
   * this member itself when it leads.
   */
  static String self(Member self, long leader, V2PeerStats s, Instant now, ZoneId zone) {
    ObjectNode o = V2Json.JSON.createObjectNode();
    o.put("name", self.name());
    o.put("id", Long.toHexString(self.id()));
    o.put("state", leader == self.id() ? "StateLeader" : "StateFollower");
    o.put("startTime", goTime(s.startTime(), zone));
    ObjectNode info = o.putObject("leaderInfo");
    info.put("leader", leader == 0 ? "" : Long.toHexString(leader));
    info.put("uptime", goDuration(Duration.between(s.leaderSince(), now).toNanos()));
    info.put("startTime", goTime(s.leaderSince(), zone));
    o.put("recvAppendRequestCnt", s.recvAppendRequestCnt());
    putNonZero(o, "recvPkgRate", s.recvPkgRate());
    putNonZero(o, "recvBandwidthRate", s.recvBandwidthRate());
    o.put("sendAppendRequestCnt", s.sendAppendRequestCnt());
    putNonZero(o, "sendPkgRate", s.sendPkgRate());
    putNonZero(o, "sendBandwidthRate", s.sendBandwidthRate());
    return o.toString();
  }

  /** The leader's document: every other member, in ID order as Go writes a map, with its numbers. */
  static String leader(long self, List<Member> members, V2PeerStats s) {
    ObjectNode o = V2Json.JSON.createObjectNode();
    o.put("leader", Long.toHexString(self));
    ObjectNode followers = o.putObject("followers");
    members.stream().filter(m -> m.id() != self).map(m -> Long.toHexString(m.id())).sorted().forEach(id -> {
      V2PeerStats.Follower f = s.followers().getOrDefault(Long.parseUnsignedLong(id, 16), V2PeerStats.Follower.NONE);
      ObjectNode one = followers.putObject(id);
      ObjectNode latency = one.putObject("latency");
      latency.putRawValue("current", new RawValue(goFloat(f.currentMs())));
      latency.putRawValue("average", new RawValue(goFloat(f.averageMs())));
      latency.putRawValue("standardDeviation", new RawValue(goFloat(f.standardDeviationMs())));
      latency.putRawValue("minimum", new RawValue(goFloat(f.minimumMs())));
      latency.putRawValue("maximum", new RawValue(goFloat(f.maximumMs())));
      ObjectNode counts = one.putObject("counts");
      counts.put("fail", f.fail());
      counts.put("success", f.success());
    });
    return o.toString();
  }

  private static void putNonZero(ObjectNode o, String field, double value) {
    if (value != 0) {
      o.putRawValue(field, new RawValue(goFloat(value)));
    }
  }

  /** Go's time.Time in JSON: RFC 3339, the fraction without trailing zeros, "Z" for UTC. */
  static String goTime(Instant t, ZoneId zone) {
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(OffsetDateTime.ofInstant(t, zone));
  }

  /** Go's time.Duration.String(): "1h2m3.5s", "4.49292902s", "150ms", "2µs", "0s". */
  static String goDuration(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    String sign = nanos < 0 ? "-" : "";
    long u = Math.abs(nanos);
    if (u < 1_000L) {
      return sign + u + "ns";
    }
    if (u < 1_000_000L) {
      return sign + fraction(u, 3) + "µs";
    }
    if (u < 1_000_000_000L) {
      return sign + fraction(u, 6) + "ms";
    }
    long seconds = u / 1_000_000_000L;
    String secs = fraction(u % 60_000_000_000L, 9) + "s";
    long minutes = seconds / 60;
    if (minutes == 0) {
      return sign + secs;
    }
    long hours = minutes / 60;
    return sign + (hours > 0 ? hours + "h" : "") + (minutes % 60) + "m" + secs;
  }

  /** {@code v} / 10^digits with the fraction's trailing zeros (and a bare point) left out. */
  private static String fraction(long v, int digits) {
    long unit = (long) Math.pow(10, digits);
    String whole = Long.toString(v / unit);
    String frac = String.format("%0" + digits + "d", v % unit).replaceAll("0+$", "");
    return frac.isEmpty() ? whole : whole + "." + frac;
  }

  /**
   * A float64 as Go's encoding/json writes it: the shortest digits that read back the same, plain
   * between 1e-6 and 1e21, else with an exponent of at least one digit ("1e-7", "1e+21").
   */
  static String goFloat(double d) {
    if (d == 0) {
      return "0";
    }
    BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    double abs = Math.abs(d);
    if (abs >= 1e-6 && abs < 1e21) {
      return b.toPlainString();
    }
    String digits = b.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - b.scale();
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    String exp = Math.abs(exponent) < 10 && exponent > 0 ? "0" + exponent : Integer.toString(Math.abs(exponent));
    return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
  }
}
