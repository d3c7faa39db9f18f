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
  void authKeysHaveEtcdsDefaultsAndTokenSpecsAreCheckedAsEtcdDoes() {
    KeelConfig c = KeelConfig.from(typed(Map.of()), Map.of());
    assertEquals("simple", c.authToken());
    assertEquals(300, c.authTokenTtlSeconds());
    assertEquals(10, c.bcryptCost());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> KeelConfig.from(typed(Map.of("auth-token", "jwt,pub-key=x")), Map.of()));
    assertEquals("invalid configuration: auth-token=jwt,pub-key=x: auth: invalid auth signature method", e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> KeelConfig.from(typed(Map.of("auth-token", "jwt,sign-method=RS256,ttl=5m,ttl=6m")), Map.of()));
    assertTrue(e.getMessage().endsWith(": auth: invalid auth options"), e.getMessage());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> KeelConfig.from(typed(Map.of("auth-token", "opaque")), Map.of()));
    assertEquals("jwt,sign-method=ES256,priv-key=k.pem,ttl=90s",
        KeelConfig.from(typed(Map.of("auth-token", "jwt,sign-method=ES256,priv-key=k.pem,ttl=90s")), Map.of()).authToken());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> KeelConfig.from(typed(Map.of("bcrypt-cost", "3")), Map.of()));
  }

  @Test
  void everyKeyIsAServerConfigAttribute() {
    assertEquals(54, KeelConfig.KEYS.size());
    assertTrue(KeelConfig.KEYS.containsAll(java.util.List.of("dns-listen-address", "dns-domain")), KeelConfig.KEYS.toString());
    assertTrue(KeelConfig.KEYS.containsAll(java.util.List.of("discovery-token", "discovery-endpoints", "discovery-dial-timeout",
        "discovery-request-timeout", "discovery-user", "discovery-password")), KeelConfig.KEYS.toString());
    assertTrue(KeelConfig.KEYS.containsAll(java.util.List.of("discovery", "discovery-fallback", "discovery-proxy", "discovery-retries", "enable-v2")));
    assertTrue(KeelConfig.KEYS.contains("listen-metrics-urls"), KeelConfig.KEYS.toString());
    assertTrue(KeelConfig.KEYS.containsAll(java.util.List.of("log-level", "auto-compaction-mode", "auto-compaction-retention")));
    assertTrue(KeelConfig.KEYS.containsAll(java.util.List.of("discovery-srv", "discovery-srv-name", "discovery-dns-server")));
    assertTrue(KeelConfig.KEYS.contains("peer-cert-allowed-hostname"), KeelConfig.KEYS.toString());
    assertTrue(KeelConfig.KEYS.containsAll(java.util.List.of("auth-token", "auth-token-ttl", "bcrypt-cost")),
        KeelConfig.KEYS.toString());
    assertTrue(KeelConfig.KEYS.contains("experimental-watch-progress-notify-interval"), KeelConfig.KEYS.toString());
    assertTrue(KeelConfig.KEYS.contains("initial-advertise-peer-urls"), KeelConfig.KEYS.toString());
  }

  @org.junit.jupiter.api.Test
  void discoverySrvReplacesTheDefaultInitialClusterAndConflictsWithAnExplicitOne() {
    KeelConfig srv = KeelConfig.from(Map.of("discovery-srv", "example.com"), Map.of());
    assertTrue(srv.initialCluster().isEmpty(), "decided at the first start, from DNS");
    assertEquals("example.com", srv.discoverySrv());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> KeelConfig.from(Map.of("initial-cluster", "default=http://localhost:2380"), Map.of("ETCD_DISCOVERY_SRV", "example.com")));
    assertEquals(KeelConfig.CONFLICT_BOOTSTRAP_FLAGS, e.getMessage());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> KeelConfig.from(Map.of("discovery-dns-server", "nohostport"), Map.of()));
    assertEquals("127.0.0.1:5353", KeelConfig.from(Map.of("discovery-dns-server", "127.0.0.1:5353"), Map.of()).discoveryDnsServer());
  }

  @Test
  void v3DiscoveryTokenIsTheClusterTokenAndHasEtcd36sChecks() {
    KeelConfig d = KeelConfig.from(Map.of("discovery-token", "tok", "discovery-endpoints", "127.0.0.1:2379, https://h:2379"),
        Map.of());
    assertEquals("tok", d.initialClusterToken());
    assertEquals(Map.of(), d.initialCluster());
    assertEquals(java.util.List.of(java.net.URI.create("http://127.0.0.1:2379"), java.net.URI.create("https://h:2379")),
        d.v3Discovery().endpoints());
    assertEquals(2000, d.v3Discovery().dialTimeoutMs());
    assertEquals(5000, d.v3Discovery().requestTimeoutMs());
    assertTrue(!KeelConfig.from(Map.of(), Map.of()).v3Discovery().enabled());
    Map<Map<String, String>, String> refused = Map.of(
        Map.of("discovery-token", "tok"), "both --discovery-token and --discovery-endpoints must be set",
        Map.of("discovery-endpoints", "127.0.0.1:2379"), "both --discovery-token and --discovery-endpoints must be set",
        Map.of("discovery-token", "tok", "discovery-endpoints", "127.0.0.1:2379,"),
        "--discovery-endpoints must not contain empty endpoints",
        Map.of("discovery-token", "tok", "discovery-endpoints", "127.0.0.1:2379", "initial-cluster", "a=http://h:2380"),
        KeelConfig.CONFLICT_BOOTSTRAP_FLAGS_V3,
        Map.of("discovery-token", "tok", "discovery-endpoints", "127.0.0.1:2379", "discovery-srv", "example.com"),
        KeelConfig.CONFLICT_BOOTSTRAP_FLAGS_V3,
        Map.of("discovery-token", "tok", "discovery-endpoints", "127.0.0.1:2379", "discovery-proxy", "127.0.0.1:3128"),
        "both v2 discovery settings (discovery, discovery-proxy) and v3 discovery settings (discovery-token, "
            + "discovery-endpoints, discovery-cert, discovery-key, discovery-cacert, discovery-user, discovery-password) are set");
    refused.forEach((conflict, message) -> {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> KeelConfig.from(conflict, Map.of()), conflict.toString());
      assertEquals(message, e.getMessage());
    });
    IllegalArgumentException scheme = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> KeelConfig.from(Map.of("discovery-token", "tok", "discovery-endpoints", "unix:///x"), Map.of()));
    assertTrue(scheme.getMessage().startsWith("invalid configuration: discovery-endpoints="), scheme.getMessage());
    assertTrue(!d.v3Discovery().toString().contains("password"), "no password in the printed settings");
  }

  @Test
  void discoveryUrlIsTheClusterTokenAndExcludesTheOtherWays() {
    String url = "http://127.0.0.1:2379/v2/keys/discovery/abc";
    KeelConfig d = KeelConfig.from(Map.of("discovery", url), Map.of());
    assertEquals(url, d.initialClusterToken());
    assertEquals(Map.of(), d.initialCluster());
    assertEquals("exit", d.discoveryFallback());
    assertEquals(8, d.discoveryRetries());
    assertEquals("etcd-cluster", KeelConfig.from(Map.of(), Map.of()).initialClusterToken());
    for (Map<String, String> conflict : java.util.List.of(
        Map.of("discovery", url, "initial-cluster", "default=http://localhost:2380"),
        Map.of("discovery", url, "discovery-srv", "example.com"))) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> KeelConfig.from(conflict, Map.of()));
      assertEquals(KeelConfig.CONFLICT_BOOTSTRAP_FLAGS, e.getMessage());
    }
    IllegalArgumentException proxy = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> KeelConfig.from(Map.of("discovery", url), Map.of("ETCD_DISCOVERY_FALLBACK", "proxy")));
    org.junit.jupiter.api.Assertions.assertTrue(proxy.getMessage().contains("Keel has no v2 proxy"), proxy.getMessage());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> KeelConfig.from(Map.of("discovery", "not a url"), Map.of()));
    assertEquals(false, KeelConfig.from(Map.of(), Map.of()).enableV2());
    assertEquals(true, KeelConfig.from(Map.of(), Map.of("ETCD_ENABLE_V2", "true")).enableV2());
  }

  @Test
  void listenMetricsUrlsAreOptionalAndHttpsNeedsTheClientCertificate() {
    assertEquals(java.util.List.of(), KeelConfig.from(Map.of(), Map.of()).listenMetricsUrls());
    KeelConfig c = KeelConfig.from(Map.of("listen-metrics-urls", "http://127.0.0.1:2381, http://[::1]:2381"), Map.of());
    assertEquals(java.util.List.of(java.net.URI.create("http://127.0.0.1:2381"), java.net.URI.create("http://[::1]:2381")),
        c.listenMetricsUrls());
    assertEquals(java.util.List.of(java.net.URI.create("http://127.0.0.1:9")),
        KeelConfig.from(Map.of(), Map.of("ETCD_LISTEN_METRICS_URLS", "http://127.0.0.1:9")).listenMetricsUrls());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> KeelConfig.from(Map.of("listen-metrics-urls", "https://127.0.0.1:2381"), Map.of()));
    assertEquals("TLS key/cert (--cert-file, --key-file) must be provided for metrics url https://127.0.0.1:2381 "
        + "with HTTPS scheme", e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> KeelConfig.from(Map.of("listen-metrics-urls", "unix://x:1"), Map.of()));
    assertTrue(e.getMessage().contains("listen-metrics-urls"), e.getMessage());
    assertEquals(1, KeelConfig.from(Map.of("listen-metrics-urls", "https://127.0.0.1:2381", "cert-file", "s.pem",
        "key-file", "s.key"), Map.of()).listenMetricsUrls().size());
  }

  @Test
  void tlsSettingsUnderEtcdsNames() {
    KeelConfig c = KeelConfig.from(Map.of("cert-file", "s.pem", "key-file", "s.key", "client-cert-auth", "true",
        "listen-client-urls", "https://127.0.0.1:2379", "cipher-suites", "A, B"),
        Map.of("ETCD_PEER_AUTO_TLS", "1", "ETCD_PEER_CERT_ALLOWED_CN", "peer"));
    assertEquals("s.pem", c.clientTls().certFile().orElseThrow());
    assertTrue(c.clientTls().clientCertAuth());
    assertTrue(c.clientTls().requiresClientCert());
    assertEquals(java.util.List.of("A", "B"), c.clientTls().cipherSuites());
    assertTrue(c.peerTls().autoTls());
    assertTrue(c.peerTls().empty());
    assertEquals("peer", c.peerTls().allowedCn().orElseThrow());
    assertTrue(KeelConfig.from(Map.of(), Map.of()).clientTls().empty());
  }

  @Test
  void tlsMistakesFailWithEtcdsWords() {
    IllegalArgumentException https = assertThrows(IllegalArgumentException.class,
        () -> KeelConfig.from(Map.of("listen-client-urls", "https://127.0.0.1:2379"), Map.of()));
    assertEquals("TLS key/cert (--cert-file, --key-file) must be provided for client url https://127.0.0.1:2379 "
        + "with HTTPS scheme", https.getMessage());
    IllegalArgumentException half = assertThrows(IllegalArgumentException.class,
        () -> KeelConfig.from(Map.of("cert-file", "s.pem"), Map.of()));
    assertTrue(half.getMessage().contains("KeyFile and CertFile must both be present[key: , cert: s.pem]"),
        half.getMessage());
    assertThrows(IllegalArgumentException.class, () -> KeelConfig.from(Map.of("client-cert-auth", "yes"), Map.of()));
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> KeelConfig.from(
        Map.of("peer-cert-allowed-cn", "a", "peer-cert-allowed-hostname", "b"), Map.of()));
    assertTrue(both.getMessage().contains("AllowedCN and AllowedHostname are mutually exclusive"), both.getMessage());
    // auto-tls serves https:// without files
    assertTrue(KeelConfig.from(Map.of("listen-client-urls", "https://127.0.0.1:2379", "auto-tls", "true"), Map.of())
        .clientTls().serves());
  }

  @ParameterizedTest
  @CsvSource({"periodic,0,0", "periodic,1,3600000", "periodic,5m,300000", "periodic,1h30m,5400000",
      "periodic,72,259200000", "revision,0,0", "revision,1000,1000"})
  void compactionRetentionAsEtcdParsesIt(String mode, String retention, long expected) {
    KeelConfig c = KeelConfig.from(Map.of("auto-compaction-mode", mode, "auto-compaction-retention", retention), Map.of());
    assertEquals(mode, c.autoCompactionMode());
    assertEquals(expected, c.autoCompactionRetention());
  }

  @ParameterizedTest
  @CsvSource({"periodic,-1,auto-compaction-retention", "periodic,1x,auto-compaction-retention",
      "revision,5m,auto-compaction-retention", "daily,1,auto-compaction-mode"})
  void badCompactionSettingsNameTheirKey(String mode, String retention, String key) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        KeelConfig.from(Map.of("auto-compaction-mode", mode, "auto-compaction-retention", retention), Map.of()));
    assertTrue(e.getMessage().startsWith("invalid configuration: " + key + "="), e.getMessage());
  }

  @Test
  void logLevelsAreEtcds() {
    assertEquals("info", KeelConfig.from(Map.of(), Map.of()).logLevel());
    assertEquals("debug", KeelConfig.from(Map.of("log-level", "debug"), Map.of()).logLevel());
    assertEquals("warn", KeelConfig.from(Map.of(), Map.of("ETCD_LOG_LEVEL", "warn")).logLevel());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KeelConfig.from(Map.of("log-level", "verbose"), Map.of()));
    assertTrue(e.getMessage().startsWith("invalid configuration: log-level=verbose"), e.getMessage());
  }
}
