package io.keel.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class KeelConfigTest {

  @Test
  void etcdDefaults() {
    KeelConfig c = KeelConfig.from(Map.of(), Map.of());
    assertEquals("default", c.name());
    assertEquals("default.etcd", c.dataDir().toString());
    assertEquals("http://localhost:2379", c.listenClientUrls().get(0).toString());
    assertEquals("http://localhost:2380", c.initialCluster().get("default").get(0).toString());
    assertEquals(1_572_864, c.maxRequestBytes());
    assertEquals(128, c.maxTxnOps());
    assertEquals(2L * 1024 * 1024 * 1024, c.quotaBackendBytes());
    assertEquals(600_000, c.watchProgressNotifyIntervalMs());
  }

  @Test
  void environmentOverridesTheConfigFile() {
    KeelConfig c = KeelConfig.from(Map.of("name", "file", "max-txn-ops", "10"),
        Map.of("ETCD_NAME", "env", "ETCD_INITIAL_CLUSTER", "env=http://localhost:2380"));
    assertEquals("env", c.name());
    assertEquals(10, c.maxTxnOps());
  }

  @ParameterizedTest
  @CsvSource({"10m,600000", "30s,30000", "500ms,500", "1m30s,90000", "2h,7200000"})
  void progressNotifyIntervalTakesGoDurations(String value, long ms) {
    assertEquals(ms, KeelConfig.from(Map.of("experimental-watch-progress-notify-interval", value), Map.of())
        .watchProgressNotifyIntervalMs());
  }

  @ParameterizedTest
  @CsvSource({
      "heartbeat-interval,abc",
      "election-timeout,-5",
      "initial-cluster-state,sideways",
      "listen-client-urls,ftp://x:1",
      "max-txn-ops,0",
      "experimental-watch-progress-notify-interval,10 minutes"})
  void invalidValuesNameTheKey(String key, String value) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KeelConfig.from(Map.of(key, value), Map.of()));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  @Test
  void unknownEtcdVariablesAreReported() {
    assertEquals(java.util.List.of("ETCD_NOPE"), KeelConfig.unknownEnv(Map.of("ETCD_NOPE", "1", "ETCD_NAME", "x")));
  }

  /** A typed configuration as DS builds one: {@code values} by key, else each attribute's default. */
  private static ServerConfig typed(Map<String, String> values) {
    return (ServerConfig) java.lang.reflect.Proxy.newProxyInstance(ServerConfig.class.getClassLoader(),
        new Class<?>[] {ServerConfig.class}, (proxy, method, args) ->
            values.getOrDefault(KeelConfig.key(method), (String) method.getDefaultValue()));
  }

  @Test
  void theTypedConfigurationIsReadUnderEtcdsNamesAndTheEnvironmentStillWins() {
    KeelConfig c = KeelConfig.from(typed(Map.of("listen-client-urls", "http://127.0.0.1:1", "max-txn-ops", "7",
        "name", "file")), Map.of("ETCD_NAME", "env"));
    assertEquals("http://127.0.0.1:1", c.listenClientUrls().get(0).toString());
    assertEquals(7, c.maxTxnOps());
    assertEquals("env", c.name());
    assertEquals("env.etcd", c.dataDir().toString());
  }

  @Test
  void everyKeyIsAServerConfigAttribute() {
    assertEquals(16, KeelConfig.KEYS.size());
    assertTrue(KeelConfig.KEYS.contains("experimental-watch-progress-notify-interval"), KeelConfig.KEYS.toString());
    assertTrue(KeelConfig.KEYS.contains("initial-advertise-peer-urls"), KeelConfig.KEYS.toString());
  }
}
