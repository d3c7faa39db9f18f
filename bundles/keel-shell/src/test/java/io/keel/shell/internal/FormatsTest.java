package io.keel.shell.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keel.api.Alarm;
import io.keel.api.Member;
import io.keel.api.kv.KeyValue;
import io.keel.api.lease.LeaseGrant;
import io.keel.api.lease.LeaseTimeToLive;
import io.keel.api.watch.Event;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FormatsTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** go-humanize's Bytes, as etcdctl's tables print DB sizes. */
  @ParameterizedTest
  @CsvSource({"0, 0 B", "9, 9 B", "999, 999 B", "1000, 1.0 kB", "1234, 1.2 kB", "20480, 20 kB",
      "82854982, 83 MB", "2147483648, 2.1 GB"})
  void bytesLikeEtcdctl(long n, String text) {
    assertEquals(text, Formats.bytes(n));
  }

  @Test
  void etcdctlLines() {
    KeyValue kv = new KeyValue(b("foo"), 2, 3, 1, b("bar"), 0);
    assertEquals(List.of("foo", "bar"), Formats.keyValue(kv, false));
    assertEquals(List.of("foo"), Formats.keyValue(kv, true));
    assertEquals(List.of("PUT", "foo", "bar"), Formats.event(new Event(Event.Type.PUT, kv, null), false));
    KeyValue tomb = new KeyValue(b("foo"), 0, 4, 0, new byte[0], 0);
    assertEquals(List.of("DELETE", "foo", "bar", "foo", ""), Formats.event(new Event(Event.Type.DELETE, tomb, kv), true));
    assertEquals("lease 694d77aa9e38260f granted with TTL(60s)",
        Formats.leaseGranted(new LeaseGrant(1, 0x694d77aa9e38260fL, 60)));
    assertEquals("lease 000000000000000a revoked", Formats.leaseRevoked(10));
    assertEquals("lease 000000000000000a keepalived with TTL(30)", Formats.leaseKeptAlive(10, 30));
    assertEquals("lease 000000000000000a granted with TTL(30s), remaining(29s), attached keys([a b])",
        Formats.leaseTimeToLive(new LeaseTimeToLive(5, 10, 29, 30, List.of(b("a"), b("b"))), true));
    assertEquals("lease 000000000000000a already expired",
        Formats.leaseTimeToLive(new LeaseTimeToLive(5, 10, -1, 0, List.of()), false));
    assertEquals(List.of("found 2 leases", "0000000000000001", "00000000000000ff"), Formats.leaseList(List.of(1L, 255L)));
    assertEquals("memberID:10276657743932975437 alarm:NOSPACE",
        Formats.alarm(new Alarm(0x8e9e05c52164694dL, Alarm.Type.NOSPACE)));
  }

  @Test
  void membersByNameOrHexId() {
    List<Member> ms = List.of(new Member(0x8e9e05c52164694dL, "infra0", List.of(), List.of(), false),
        new Member(0x1aL, "", List.of(), List.of(), true));
    assertEquals("infra0", Ids.resolveMember(ms, "infra0").name());
    assertEquals(0x8e9e05c52164694dL, Ids.resolveMember(ms, "8E9E05C52164694D").id());
    assertEquals(0x1aL, Ids.resolveMember(ms, "1a").id());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ids.resolveMember(ms, "infra9"));
    assertEquals("no member named infra9 (members: infra0 8e9e05c52164694d, (unstarted) 1a)", e.getMessage());
    assertEquals(0xffffffffffffffffL, Ids.parseHex("lease", "ffffffffffffffff"));
    assertThrows(IllegalArgumentException.class, () -> Ids.parseHex("lease", "xyz"));
  }

  @Test
  void keyRangesAsEtcdctl() {
    KeyRange single = KeyRange.of("foo", null, false);
    assertArrayEquals(b("foo"), single.key());
    assertArrayEquals(new byte[0], single.rangeEnd());
    assertArrayEquals(b("fop"), KeyRange.of("foo", null, true).rangeEnd());
    KeyRange all = KeyRange.of("", null, true);
    assertArrayEquals(new byte[] {0}, all.key());
    assertArrayEquals(new byte[] {0}, all.rangeEnd());
    assertArrayEquals(b("b"), KeyRange.of("a", "b", false).rangeEnd());
    assertThrows(IllegalArgumentException.class, () -> KeyRange.of("", null, false));
    assertThrows(IllegalArgumentException.class, () -> KeyRange.of("a", "b", true));
  }
}
