package io.keel.api.config;

import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A member's validated settings, named and defaulted as etcd 3.4 names and defaults them.
 *
 * <p>Sources, lowest precedence first: the ConfigAdmin properties (etc/io.keel.server.cfg), then
 * {@code ETCD_<FLAG>} environment variables (flag upper-cased, dashes as underscores), exactly as
 * etcd reads them. {@code bin/keel} turns command-line flags into those variables, so flags win
 * over both. The keys and their defaults are {@link ServerConfig}'s. Any invalid value fails with
 * a message that names the key.
 *
 * <p>{@code logLevel} is etcd's level name (debug ... fatal); {@code autoCompactionRetention} is, as
 * etcd reads it, a period in milliseconds in {@code periodic} mode and a number of revisions in
 * {@code revision} mode, 0 when auto compaction is off.
 */
public record KeelConfig(
    String name,
    Path dataDir,
    List<URI> listenClientUrls,
    List<URI> advertiseClientUrls,
    List<URI> listenPeerUrls,
    List<URI> initialAdvertisePeerUrls,
    Map<String, List<URI>> initialCluster,
    String initialClusterState,
    String initialClusterToken,
    int heartbeatIntervalMs,
    int electionTimeoutMs,
    long snapshotCount,
    int maxRequestBytes,
    int maxTxnOps,
    long quotaBackendBytes,
    long watchProgressNotifyIntervalMs,
    String discoverySrv,
    String discoverySrvName,
    String discoveryDnsServer,
    TlsConfig clientTls,
    TlsConfig peerTls,
    String authToken,
    long authTokenTtlSeconds,
    int bcryptCost,
    String discovery,
    String discoveryFallback,
    String discoveryProxy,
    int discoveryRetries,
    V3DiscoverySettings v3Discovery,
    boolean enableV2,
    List<URI> listenMetricsUrls,
    String logLevel,
    String autoCompactionMode,
    long autoCompactionRetention) {

  /**
   * etcd's text when more than one way to bootstrap is given (ErrConflictBootstrapFlags): an explicit
   * initial-cluster together with discovery-srv (or discovery).
   */
  public static final String CONFLICT_BOOTSTRAP_FLAGS = "multiple discovery or bootstrap flags are set. "
      + "Choose one of \"initial-cluster\", \"discovery\" or \"discovery-srv\"";

  /** etcd 3.6's text of the same error, which names discovery-endpoints: used when that is one of the flags. */
  public static final String CONFLICT_BOOTSTRAP_FLAGS_V3 = "multiple discovery or bootstrap flags are set. "
      + "Choose one of \"initial-cluster\", \"discovery\", \"discovery-endpoints\" or \"discovery-srv\"";

  /** Every key Keel reads: the attributes of {@link ServerConfig}, in alphabetical order. */
  public static final List<String> KEYS;

  /** Each key's default as {@link ServerConfig} gives it; keys whose default etcd derives are absent. */
  private static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> defaults = new TreeMap<>();
    for (Method m : ServerConfig.class.getDeclaredMethods()) {
      defaults.put(key(m), (String) m.getDefaultValue());
    }
    KEYS = List.copyOf(defaults.keySet());
    defaults.values().removeIf(String::isEmpty);
    DEFAULTS = Map.copyOf(defaults);
  }

  public static final long DEFAULT_QUOTA_BACKEND_BYTES = 2L * 1024 * 1024 * 1024;
  public static final long MAX_QUOTA_BACKEND_BYTES = 8L * 1024 * 1024 * 1024;

  /** The key an attribute method of {@link ServerConfig} stands for (DS 1.4: {@code $_$} is a dash). */
  public static String key(Method attribute) {
    return attribute.getName().replace("$_$", "-");
  }

  /** Settings from a component's typed configuration overlaid with the {@code ETCD_*} entries of {@code env}. */
  public static KeelConfig from(ServerConfig config, Map<String, String> env) {
    return parse(effective(config, env));
  }

  /** Settings from ConfigAdmin properties overlaid with the {@code ETCD_*} entries of {@code env}. */
  public static KeelConfig from(Map<String, ?> properties, Map<String, String> env) {
    return parse(effective(properties, env));
  }

  /**
   * Settings from effective values as {@link #effective} gives them (key to trimmed value, keys
   * left out take their default).
   */
  public static KeelConfig fromEffective(Map<String, String> effective) {
    return parse(effective);
  }

  /**
   * The values a component's typed configuration and {@code env} give each key, unparsed: what
   * {@link ConfigChange} compares between two configurations. Keys without a value are absent.
   */
  public static Map<String, String> effective(ServerConfig config, Map<String, String> env) {
    Map<String, String> properties = new LinkedHashMap<>();
    for (Method m : ServerConfig.class.getDeclaredMethods()) {
      try {
        properties.put(key(m), (String) m.invoke(config));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + key(m) + " from the component configuration", e);
      }
    }
    return effective(properties, env);
  }

  /** {@link #effective(ServerConfig, Map)} from ConfigAdmin properties. */
  public static Map<String, String> effective(Map<String, ?> properties, Map<String, String> env) {
    Map<String, String> raw = new LinkedHashMap<>();
    for (String key : KEYS) {
      Object v = properties.get(key);
      if (v != null && !v.toString().isBlank()) {
        raw.put(key, v.toString().trim());
      }
      String e = env.get(envName(key));
      if (e != null && !e.isBlank()) {
        raw.put(key, e.trim());
      }
    }
    return raw;
  }

  /** The environment variable etcd reads for a flag: {@code data-dir} -> {@code ETCD_DATA_DIR}. */
  public static String envName(String key) {
    return "ETCD_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** {@code ETCD_*} variables in {@code env} that name no key Keel knows (etcd warns about these). */
  public static List<String> unknownEnv(Map<String, String> env) {
    List<String> unknown = new ArrayList<>();
    for (String name : env.keySet()) {
      if (name.startsWith("ETCD_") && KEYS.stream().noneMatch(k -> envName(k).equals(name))) {
        unknown.add(name);
      }
    }
    return unknown;
  }

  private static KeelConfig parse(Map<String, String> raw) {
    raw = new LinkedHashMap<>(raw);
    for (Map.Entry<String, String> d : DEFAULTS.entrySet()) {
      raw.putIfAbsent(d.getKey(), d.getValue());
    }
    String name = raw.get("name");
    Path dataDir = Path.of(raw.getOrDefault("data-dir", name + ".etcd"));
    List<URI> listenClient = urls(raw, "listen-client-urls");
    List<URI> advertiseClient = urls(raw, "advertise-client-urls");
    List<URI> listenPeer = urls(raw, "listen-peer-urls");
    List<URI> advertisePeer = urls(raw, "initial-advertise-peer-urls");
    String clusterSpec = raw.get("initial-cluster");
    String discoverySrv = raw.getOrDefault("discovery-srv", "");
    String discoverySrvName = raw.getOrDefault("discovery-srv-name", "");
    String dnsServer = raw.getOrDefault("discovery-dns-server", "");
    if (!dnsServer.isEmpty() && !dnsServer.matches("\\[?[^\\s/]+?\\]?:\\d{1,5}")) {
      throw invalid("discovery-dns-server", dnsServer, "expected host:port");
    }
    String discovery = raw.getOrDefault("discovery", "");
    String fallback = raw.get("discovery-fallback");
    if (fallback.equals("proxy")) {
      throw invalid("discovery-fallback", fallback, "Keel has no v2 proxy to fall back to; only 'exit' is supported");
    }
    if (!fallback.equals("exit")) {
      throw invalid("discovery-fallback", fallback, "valid values are [exit proxy]");
    }
    String discoveryProxy = raw.getOrDefault("discovery-proxy", "");
    int discoveryRetries = (int) number(raw, "discovery-retries", 0, 1000);
    boolean enableV2 = bool(raw, "enable-v2");
    if (!discovery.isEmpty()) {
      URI d;
      try {
        d = new URI(discovery);
      } catch (Exception e) {
        throw invalid("discovery", discovery, "not a URL");
      }
      if (!"http".equals(d.getScheme()) && !"https".equals(d.getScheme()) || d.getHost() == null) {
        throw invalid("discovery", discovery, "expected an http(s) URL such as http://host:2379/v2/keys/discovery/<token>");
      }
    }
    V3DiscoverySettings v3 = v3Discovery(raw, discoveryProxy);
    Map<String, List<URI>> cluster;
    String token = raw.get("initial-cluster-token");
    if (!discoverySrv.isEmpty() || !discovery.isEmpty() || v3.enabled()) {
      // as etcd: discovery replaces the default initial-cluster; an explicit one (or two kinds) conflicts
      int kinds = (clusterSpec != null ? 1 : 0) + (discoverySrv.isEmpty() ? 0 : 1) + (discovery.isEmpty() ? 0 : 1)
          + (v3.enabled() ? 1 : 0);
      if (kinds > 1) {
        throw new IllegalArgumentException(v3.enabled() ? CONFLICT_BOOTSTRAP_FLAGS_V3 : CONFLICT_BOOTSTRAP_FLAGS);
      }
      // decided at the first start (keel-bootstrap), from DNS or the discovery service
      cluster = Map.of();
      if (!discovery.isEmpty()) {
        token = discovery; // etcd's PeerURLsMapAndToken: the discovery URL is the cluster token
      } else if (v3.enabled()) {
        token = v3.token(); // and with v3 discovery, the discovery token
      }
    } else {
      cluster = initialCluster(clusterSpec == null ? defaultCluster(name, advertisePeer) : clusterSpec);
    }
    String state = raw.get("initial-cluster-state");
    if (!state.equals("new") && !state.equals("existing")) {
      throw invalid("initial-cluster-state", state, "must be 'new' or 'existing'");
    }
    int heartbeat = (int) number(raw, "heartbeat-interval", 1, 50_000);
    int election = (int) number(raw, "election-timeout", 1, 50_000);
    if (election < 5 * heartbeat) {
      throw invalid("election-timeout", Integer.toString(election),
          "must be at least 5 times heartbeat-interval (" + heartbeat + ")");
    }
    long snapshotCount = number(raw, "snapshot-count", 1, Long.MAX_VALUE);
    int maxRequest = (int) number(raw, "max-request-bytes", 1, Integer.MAX_VALUE - 1024 * 1024);
    int maxTxnOps = (int) number(raw, "max-txn-ops", 1, Integer.MAX_VALUE);
    long quota = number(raw, "quota-backend-bytes", Long.MIN_VALUE, Long.MAX_VALUE);
    if (quota <= 0) {
      quota = DEFAULT_QUOTA_BACKEND_BYTES; // etcd: 0 or negative means the default quota
    }
    long progressNotifyMs = duration(raw, "experimental-watch-progress-notify-interval");
    List<String> ciphers = list(raw.get("cipher-suites"));
    TlsConfig clientTls = new TlsConfig(path(raw, "cert-file"), path(raw, "key-file"), path(raw, "trusted-ca-file"),
        path(raw, "client-crl-file"), bool(raw, "client-cert-auth"), bool(raw, "auto-tls"), ciphers,
        Optional.empty(), Optional.empty());
    TlsConfig peerTls = new TlsConfig(path(raw, "peer-cert-file"), path(raw, "peer-key-file"),
        path(raw, "peer-trusted-ca-file"), path(raw, "peer-crl-file"), bool(raw, "peer-client-cert-auth"),
        bool(raw, "peer-auto-tls"), ciphers, path(raw, "peer-cert-allowed-cn"),
        path(raw, "peer-cert-allowed-hostname"));
    checkTls(clientTls, "cert-file", "key-file", listenClient, "client");
    checkTls(peerTls, "peer-cert-file", "peer-key-file", listenPeer, "peer");
    if (peerTls.allowedCn().isPresent() && peerTls.allowedHostname().isPresent()) {
      throw invalid("peer-cert-allowed-cn", peerTls.allowedCn().get(), String.format(
          "AllowedCN and AllowedHostname are mutually exclusive (cn=\"%s\", hostname=\"%s\")",
          peerTls.allowedCn().get(), peerTls.allowedHostname().get()));
    }
    String authToken = raw.get("auth-token").trim();
    try {
      AuthTokenSpec.parse(authToken);
    } catch (IllegalArgumentException e) {
      throw invalid("auth-token", authToken, e.getMessage());
    }
    long authTokenTtl = number(raw, "auth-token-ttl", 1, Integer.MAX_VALUE);
    int bcryptCost = (int) number(raw, "bcrypt-cost", 4, 31);
    List<URI> listenMetrics = optionalUrls(raw, "listen-metrics-urls");
    for (URI u : listenMetrics) {
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        throw invalid("listen-metrics-urls", u.toString(), "URL scheme must be http or https");
      }
    }
    // etcd serves https:// metrics URLs with the client TLS settings and refuses one without a certificate
    checkTls(clientTls, "cert-file", "key-file", listenMetrics, "metrics");
    String logLevel = logLevel(raw.get("log-level"));
    String compactionMode = raw.get("auto-compaction-mode");
    if (!compactionMode.equals("periodic") && !compactionMode.equals("revision")) {
      throw invalid("auto-compaction-mode", compactionMode, "unknown auto-compaction-mode \"" + compactionMode
          + "\" (periodic or revision)");
    }
    long retention = compactionRetention(compactionMode, raw.get("auto-compaction-retention"));
    return new KeelConfig(name, dataDir, listenClient, advertiseClient, listenPeer, advertisePeer, cluster,
        state, token, heartbeat, election, snapshotCount, maxRequest, maxTxnOps, quota, progressNotifyMs,
        discoverySrv, discoverySrvName, dnsServer, clientTls, peerTls, authToken, authTokenTtl, bcryptCost,
        discovery, fallback, discoveryProxy, discoveryRetries, v3, enableV2, listenMetrics, logLevel, compactionMode,
        retention);
  }

  /**
   * etcd 3.6's v3 discovery settings with its checks (embed.Config.Validate): token and endpoints
   * come together, no endpoint is empty, and the v2 discovery-proxy is not mixed in. An endpoint
   * without a scheme is http://, as etcd's client takes it.
   */
  private static V3DiscoverySettings v3Discovery(Map<String, String> raw, String discoveryProxy) {
    String token = raw.getOrDefault("discovery-token", "");
    String list = raw.getOrDefault("discovery-endpoints", "");
    String user = raw.getOrDefault("discovery-user", "");
    String password = raw.getOrDefault("discovery-password", "");
    List<URI> endpoints = new ArrayList<>();
    if (!list.isEmpty()) {
      for (String e : list.split(",", -1)) {
        String ep = e.trim();
        if (ep.isEmpty()) {
          throw new IllegalArgumentException("--discovery-endpoints must not contain empty endpoints");
        }
        URI u;
        try {
          u = new URI(ep.contains("://") ? ep : "http://" + ep);
        } catch (Exception bad) {
          throw invalid("discovery-endpoints", ep, "expected host:port or http(s)://host:port");
        }
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 0) {
          throw invalid("discovery-endpoints", ep, "expected host:port or http(s)://host:port");
        }
        endpoints.add(URI.create(u.getScheme() + "://" + u.getRawAuthority()));
      }
    }
    boolean anyV3 = !token.isEmpty() || !endpoints.isEmpty() || !user.isEmpty() || !password.isEmpty();
    if (anyV3 && !discoveryProxy.isEmpty()) {
      throw new IllegalArgumentException("both v2 discovery settings (discovery, discovery-proxy) and v3 discovery "
          + "settings (discovery-token, discovery-endpoints, discovery-cert, discovery-key, discovery-cacert, "
          + "discovery-user, discovery-password) are set");
    }
    if (token.isEmpty() != endpoints.isEmpty()) {
      throw new IllegalArgumentException("both --discovery-token and --discovery-endpoints must be set");
    }
    if (!password.isEmpty() && user.isEmpty()) {
      throw invalid("discovery-password", "(hidden)", "discovery-user must be set too");
    }
    return new V3DiscoverySettings(token, endpoints, duration(raw, "discovery-dial-timeout"),
        duration(raw, "discovery-request-timeout"), user, password);
  }

  /** etcd's log levels (logutil.ConvertToZapLevel); anything else is refused. */
  public static final List<String> LOG_LEVELS = List.of("debug", "info", "warn", "error", "dpanic", "panic", "fatal");

  /** A log-level value checked against {@link #LOG_LEVELS}. */
  public static String logLevel(String value) {
    String v = value == null || value.isBlank() ? "info" : value.trim();
    if (!LOG_LEVELS.contains(v)) {
      throw invalid("log-level", v, "unknown level (" + String.join(", ", LOG_LEVELS) + ")");
    }
    return v;
  }

  /**
   * etcd's parseCompactionRetention: a non-negative integer is hours (periodic) or revisions
   * (revision); otherwise a duration, which only periodic mode can use (etcd would take a duration
   * in revision mode as that many nanoseconds of revisions; Keel refuses it instead).
   */
  private static long compactionRetention(String mode, String s) {
    if (s.matches("\\d{1,18}")) {
      long n = Long.parseLong(s);
      if (mode.equals("revision")) {
        return n;
      }
      if (n > Long.MAX_VALUE / 3_600_000L) {
        throw invalid("auto-compaction-retention", s, "too long");
      }
      return n * 3_600_000L;
    }
    if (mode.equals("revision")) {
      throw invalid("auto-compaction-retention", s, "revision mode takes a number of revisions");
    }
    return duration(Map.of("auto-compaction-retention", s), "auto-compaction-retention");
  }

  /** etcd's default initial-cluster: the member's own name with its advertised peer URLs. */
  private static String defaultCluster(String name, List<URI> advertisePeer) {
    StringBuilder sb = new StringBuilder();
    for (URI u : advertisePeer) {
      sb.append(sb.length() == 0 ? "" : ",").append(name).append('=').append(u);
    }
    return sb.toString();
  }

  /** These settings with the initial cluster a bootstrap strategy decided (name to peer URLs, in order). */
  public KeelConfig withInitialCluster(Map<String, List<URI>> decided) {
    Map<String, List<URI>> copy = new LinkedHashMap<>();
    decided.forEach((n, urls) -> copy.put(n, List.copyOf(urls)));
    return new KeelConfig(name, dataDir, listenClientUrls, advertiseClientUrls, listenPeerUrls, initialAdvertisePeerUrls,
        java.util.Collections.unmodifiableMap(copy), initialClusterState, initialClusterToken, heartbeatIntervalMs,
        electionTimeoutMs, snapshotCount, maxRequestBytes, maxTxnOps, quotaBackendBytes, watchProgressNotifyIntervalMs,
        discoverySrv, discoverySrvName, discoveryDnsServer, clientTls, peerTls, authToken, authTokenTtlSeconds,
        bcryptCost, discovery, discoveryFallback, discoveryProxy, discoveryRetries, v3Discovery, enableV2, listenMetricsUrls,
        logLevel, autoCompactionMode, autoCompactionRetention);
  }

  /** What etcd refuses at start-up: half a key pair, or an https:// listener with nothing to serve. */
  private static void checkTls(TlsConfig tls, String certKey, String keyKey, List<URI> listen, String what) {
    if (tls.certFile().isPresent() != tls.keyFile().isPresent()) {
      String given = tls.certFile().isPresent() ? certKey : keyKey;
      throw invalid(given, tls.certFile().or(tls::keyFile).get(), "KeyFile and CertFile must both be present[key: "
          + tls.keyFile().orElse("") + ", cert: " + tls.certFile().orElse("") + "]");
    }
    for (URI u : listen) {
      if ("https".equals(u.getScheme()) && !tls.serves()) {
        throw new IllegalArgumentException("TLS key/cert (--" + certKey + ", --" + keyKey + ") must be provided for "
            + what + " url " + u + " with HTTPS scheme");
      }
    }
  }

  private static Optional<String> path(Map<String, String> raw, String key) {
    String v = raw.get(key);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** Go's flag.Bool syntax, which etcd's flags use. */
  private static boolean bool(Map<String, String> raw, String key) {
    String v = raw.get(key);
    return switch (v) {
      case "1", "t", "T", "true", "TRUE", "True" -> true;
      case "0", "f", "F", "false", "FALSE", "False" -> false;
      default -> throw invalid(key, v, "not a boolean (true or false)");
    };
  }

  private static List<String> list(String s) {
    List<String> out = new ArrayList<>();
    if (s != null) {
      for (String part : s.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return List.copyOf(out);
  }

  private static Map<String, List<URI>> initialCluster(String spec) {
    Map<String, List<URI>> members = new LinkedHashMap<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq <= 0 || eq == p.length() - 1) {
        throw invalid("initial-cluster", spec, "expected name=url[,name=url...]");
      }
      URI url = url("initial-cluster", p.substring(eq + 1).trim());
      members.computeIfAbsent(p.substring(0, eq).trim(), k -> new ArrayList<>()).add(url);
    }
    return members;
  }

  private static List<URI> urls(Map<String, String> raw, String key) {
    List<URI> urls = new ArrayList<>();
    for (String s : raw.get(key).split(",")) {
      if (!s.isBlank()) {
        urls.add(url(key, s.trim()));
      }
    }
    if (urls.isEmpty()) {
      throw invalid(key, raw.get(key), "at least one URL is required");
    }
    return List.copyOf(urls);
  }

  /** A comma-separated URL list that may be empty (an absent key means no listener). */
  private static List<URI> optionalUrls(Map<String, String> raw, String key) {
    List<URI> urls = new ArrayList<>();
    for (String s : raw.getOrDefault(key, "").split(",")) {
      if (!s.isBlank()) {
        urls.add(url(key, s.trim()));
      }
    }
    return List.copyOf(urls);
  }

  private static URI url(String key, String s) {
    URI u;
    try {
      u = new URI(s);
    } catch (Exception e) {
      throw invalid(key, s, "not a URL");
    }
    if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) && !"unix".equals(u.getScheme())) {
      throw invalid(key, s, "URL scheme must be http, https or unix");
    }
    if (u.getHost() == null || u.getPort() < 0) {
      throw invalid(key, s, "URL must have a host and a port");
    }
    if (u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().equals("/")) {
      throw invalid(key, s, "URL must not have a path");
    }
    return u;
  }

  private static long number(Map<String, String> raw, String key, long min, long max) {
    String s = raw.get(key);
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw invalid(key, s, "not an integer");
    }
    if (v < min || v > max) {
      throw invalid(key, s, "must be between " + min + " and " + max);
    }
    return v;
  }

  /** A Go-style duration as etcd's flags take them ("10m", "1m30s", "500ms"), in milliseconds. */
  private static long duration(Map<String, String> raw, String key) {
    String s = raw.get(key);
    long total = GoDurations.millis(s);
    if (total <= 0) {
      throw invalid(key, s, "not a positive duration such as 10m, 30s or 500ms");
    }
    return total;
  }

  private static IllegalArgumentException invalid(String key, String value, String why) {
    return new IllegalArgumentException("invalid configuration: " + key + "=" + value + ": " + why);
  }
}
