package io.keel.raft.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.config.KeelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Identity.loadOrCreate(
        config("infra9", "http://10.0.0.1:2380", "infra0=http://10.0.0.1:2380", "t")));
    assertTrue(e.getMessage().contains("infra9 not listed in the initial cluster config"), e.getMessage());
    assertTrue(Files.notExists(dir.resolve(Identity.FILE)), "nothing is kept from a refused start");
  }

  @Test
  void advertisedPeerUrlsMustMatchTheInitialCluster() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Identity.loadOrCreate(
        config("infra0", "http://10.0.0.2:2380", "infra0=http://10.0.0.1:2380", "t")));
    assertTrue(e.getMessage().startsWith("invalid configuration: initial-advertise-peer-urls: infra0 has different"
        + " advertised URLs"), e.getMessage());
  }

  @Test
  void theFirstStartDecidesAndLaterStartsIgnoreTheInitialFlags() throws Exception {
    String cluster = "a=http://10.0.0.1:2380,b=http://10.0.0.2:2380,c=http://10.0.0.3:2380";
    Identity first = Identity.loadOrCreate(config("a", "http://10.0.0.1:2380", cluster, "tok"));
    assertEquals(3, first.bootstrap().size());
    assertEquals("a", first.self().name());
    assertEquals(MemberIds.clusterId(first.bootstrap().keySet()), first.clusterId());

    // restarted with another token and a cluster that no longer names it: the kept identity wins
    Identity again = Identity.loadOrCreate(config("z", "http://10.9.9.9:2380", "z=http://10.9.9.9:2380", "other"));
    assertEquals(first, again);
  }

  @Test
  void aDefaultMemberHasEtcdsIds() throws Exception {
    Identity id = Identity.loadOrCreate(KeelConfig.from(Map.of("data-dir", dir.toString()), Map.of()));
    assertEquals("8e9e05c52164694d", Long.toHexString(id.memberId()));
    assertEquals("cdf818194e3a8c32", Long.toHexString(id.clusterId()));
  }
}
