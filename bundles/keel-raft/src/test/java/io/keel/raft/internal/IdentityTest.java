package io.keel.raft.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.config.KeelConfig;
import io.keel.api.Member;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityTest {
  @TempDir
  Path dir;

  private KeelConfig config(String name, String advertise, String cluster, String token) {
    Map<String, Object> p = new HashMap<>();
    p.put("name", name);
    p.put("data-dir", dir.toString());
    p.put("initial-advertise-peer-urls", advertise);
    p.put("initial-cluster", cluster);
    p.put("initial-cluster-token", token);
    return KeelConfig.from(p, Map.of());
  }

  @Test
  void thisMemberMustBeInTheInitialCluster() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Identity.fromFlags(
        config("infra9", "http://10.0.0.1:2380", "infra0=http://10.0.0.1:2380", "t")));
    assertTrue(e.getMessage().contains("infra9 not listed in the initial cluster config"), e.getMessage());
  }

  @Test
  void advertisedPeerUrlsMustMatchTheInitialCluster() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Identity.fromFlags(
        config("infra0", "http://10.0.0.2:2380", "infra0=http://10.0.0.1:2380", "t")));
    assertTrue(e.getMessage().startsWith("invalid configuration: initial-advertise-peer-urls: infra0 has different"
        + " advertised URLs"), e.getMessage());
  }

  @Test
  void theFirstStartDecidesAndLaterStartsIgnoreTheInitialFlags() throws Exception {
    String cluster = "a=http://10.0.0.1:2380,b=http://10.0.0.2:2380,c=http://10.0.0.3:2380";
    KeelConfig firstFlags = config("a", "http://10.0.0.1:2380", cluster, "tok");
    assertEquals(null, Identity.load(firstFlags));
    Identity first = Identity.fromFlags(firstFlags);
    first.keep(firstFlags);
    assertEquals(3, first.bootstrap().size());
    assertEquals("a", first.self().name());
    assertEquals(MemberIds.clusterId(first.bootstrap().keySet()), first.clusterId());

    // restarted with another token and a cluster that no longer names it: the kept identity wins
    Identity again = Identity.load(config("z", "http://10.9.9.9:2380", "z=http://10.9.9.9:2380", "other"));
    assertEquals(first, again);
  }

  @Test
  void aJoiningMemberTakesItsIdsFromTheClusterAfterEtcdsChecks() {
    String two = "a=http://10.0.0.1:2380,b=http://10.0.0.2:2380";
    List<Member> existing = List.of(new Member(0x11, "a", List.of("http://10.0.0.1:2380"), List.of(), false),
        new Member(0x22, "", List.of("http://10.0.0.2:2380"), List.of(), true));
    Identity joined = Identity.joining(config("b", "http://10.0.0.2:2380", two, "any"), 0x99, existing);
    assertEquals(0x22, joined.memberId(), "the ID the cluster gave it at member add");
    assertEquals(0x99, joined.clusterId());
    assertEquals("b", joined.self().name());

    IllegalArgumentException notAdded = assertThrows(IllegalArgumentException.class, () -> Identity.joining(
        config("c", "http://10.0.0.3:2380", two + ",c=http://10.0.0.3:2380", "any"), 0x99, existing));
    assertTrue(notAdded.getMessage().endsWith("member count is unequal"), notAdded.getMessage());
    IllegalArgumentException wrongUrl = assertThrows(IllegalArgumentException.class, () -> Identity.joining(
        config("b", "http://10.0.0.4:2380", "a=http://10.0.0.1:2380,b=http://10.0.0.4:2380", "any"), 0x99, existing));
    assertTrue(wrongUrl.getMessage().contains("unmatched member while checking PeerURLs"), wrongUrl.getMessage());
  }

  @Test
  void aDefaultMemberHasEtcdsIds() throws Exception {
    Identity id = Identity.fromFlags(KeelConfig.from(Map.of("data-dir", dir.toString()), Map.of()));
    assertEquals("8e9e05c52164694d", Long.toHexString(id.memberId()));
    assertEquals("cdf818194e3a8c32", Long.toHexString(id.clusterId()));
  }
}
