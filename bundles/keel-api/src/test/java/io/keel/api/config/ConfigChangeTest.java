package io.keel.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.config.ConfigChange.How;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigChangeTest {
  private static final Map<String, String> RUNNING = KeelConfig.effective(
      Map.of("name", "m0", "quota-backend-bytes", "0", "listen-client-urls", "http://127.0.0.1:2379"), Map.of());

  @Test
  void everyKeyHasOneWayToChange() {
    assertEquals(KeelConfig.KEYS.size(), ConfigChange.HOW.size());
    assertTrue(ConfigChange.HOW.keySet().containsAll(KeelConfig.KEYS));
  }

  @ParameterizedTest
  @CsvSource({
      "log-level,debug,IN_PLACE", "quota-backend-bytes,20000,IN_PLACE", "auto-compaction-mode,revision,IN_PLACE",
      "auto-compaction-retention,5m,IN_PLACE", "heartbeat-interval,50,IN_PLACE", "election-timeout,2000,IN_PLACE",
      "listen-client-urls,http://127.0.0.1:2479,CLIENT_SERVER", "cert-file,/tmp/c.pem,CLIENT_SERVER",
      "max-request-bytes,1000,CLIENT_SERVER", "listen-metrics-urls,http://127.0.0.1:2482,HTTP_SERVER",
      "name,m9,FIXED", "data-dir,/elsewhere,FIXED", "listen-peer-urls,http://127.0.0.1:2480,FIXED",
      "advertise-client-urls,http://127.0.0.1:2479,FIXED", "initial-cluster,m0=http://127.0.0.1:2480,FIXED",
      "initial-cluster-state,existing,FIXED", "initial-cluster-token,other,FIXED", "peer-cert-file,/tmp/p.pem,FIXED",
      "snapshot-count,10,FIXED"})
  void aChangedKeyIsTakenOrRefusedByItsClass(String key, String value, How how) {
    assertEquals(how, ConfigChange.HOW.get(key));
    Map<String, String> proposed = new HashMap<>(RUNNING);
    proposed.put(key, value);
    ConfigChange c = ConfigChange.between(RUNNING, proposed);
    if (how == How.FIXED) {
      assertEquals(List.of(key), c.refused());
      assertEquals(List.of(), c.changed());
      assertEquals(RUNNING.get(key), c.accepted().get(key), "a refused key keeps its running value");
    } else {
      assertEquals(List.of(key), c.changed());
      assertEquals(List.of(), c.refused());
      assertTrue(c.any(how) && c.changes(key));
      assertEquals(value, c.accepted().get(key));
    }
  }

  @Test
  void refusedAndTakenKeysTogether() {
    Map<String, String> proposed = new HashMap<>(RUNNING);
    proposed.put("name", "renamed");
    proposed.put("quota-backend-bytes", "30000");
    ConfigChange c = ConfigChange.between(RUNNING, proposed);
    assertEquals(List.of("name"), c.refused());
    assertEquals(List.of("quota-backend-bytes"), c.changed());
    KeelConfig accepted = KeelConfig.fromEffective(c.accepted());
    assertEquals("m0", accepted.name());
    assertEquals(30000, accepted.quotaBackendBytes());
    assertFalse(c.any(How.CLIENT_SERVER));
  }

  @Test
  void aKeyRemovedFromTheFileChangesBackToItsDefault() {
    Map<String, String> proposed = new HashMap<>(RUNNING);
    proposed.remove("quota-backend-bytes");
    ConfigChange c = ConfigChange.between(RUNNING, proposed);
    assertEquals(List.of("quota-backend-bytes"), c.changed());
    assertEquals(KeelConfig.DEFAULT_QUOTA_BACKEND_BYTES, KeelConfig.fromEffective(c.accepted()).quotaBackendBytes());
  }

  @Test
  void theEnvironmentWinsSoAFileChangeUnderAFlagIsNoChange() {
    Map<String, String> env = Map.of("ETCD_NAME", "flagged", "ETCD_INITIAL_CLUSTER", "flagged=http://localhost:2380");
    Map<String, String> running = KeelConfig.effective(Map.of("name", "a"), env);
    Map<String, String> proposed = KeelConfig.effective(Map.of("name", "b"), env);
    ConfigChange c = ConfigChange.between(running, proposed);
    assertEquals(List.of(), c.refused());
    assertEquals(List.of(), c.changed());
  }
}
