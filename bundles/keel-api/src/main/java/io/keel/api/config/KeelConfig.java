package io.keel.api.config;

import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A member's validated settings, named and defaulted as etcd 3.4 names and defaults them.
 *
 * <p>Sources, lowest precedence first: the ConfigAdmin properties (etc/io.keel.server.cfg), then
 * {@code ETCD_<FLAG>} environment variables (flag upper-cased, dashes as underscores), exactly as
 * etcd reads them. {@code bin/keel} turns command-line flags into those variables, so flags win
 * over both. The keys and their defaults are {@link ServerConfig}'s. Any invalid value fails with
 * a message that names the key.
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
    long watchProgressNotifyIntervalMs) {

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
    Map<String, String> properties = new LinkedHashMap<>();
    for (Method m : ServerConfig.class.getDeclaredMethods()) {
      try {
        properties.put(key(m), (String) m.invoke(config));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + key(m) + " from the component configuration", e);
      }
    }
    return from(properties, env);
  }

  /** Settings from ConfigAdmin properties overlaid with the {@code ETCD_*} entries of {@code env}. */
  public static KeelConfig from(Map<String, ?> properties, Map<String, String> env) {
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
    return parse(raw);
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
    if (clusterSpec == null) {
      // etcd derives the default from the member's own name and advertised peer URLs.
      StringBuilder sb = new StringBuilder();
      for (URI u : advertisePeer) {
        sb.append(sb.length() == 0 ? "" : ",").append(name).append('=').append(u);
      }
      clusterSpec = sb.toString();
    }
    Map<String, List<URI>> cluster = initialCluster(clusterSpec);
    String state = raw.get("initial-cluster-state");
    if (!state.equals("new") && !state.equals("existing")) {
      throw invalid("initial-cluster-state", state, "must be 'new' or 'existing'");
    }
    String token = raw.get("initial-cluster-token");
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
    return new KeelConfig(name, dataDir, listenClient, advertiseClient, listenPeer, advertisePeer, cluster,
        state, token, heartbeat, election, snapshotCount, maxRequest, maxTxnOps, quota, progressNotifyMs);
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
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|h|m|s)").matcher(s);
    long total = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      total += switch (m.group(2)) {
        case "h" -> n * 3_600_000L;
        case "m" -> n * 60_000L;
        case "s" -> n * 1_000L;
        default -> n;
      };
      end = m.end();
    }
    if (end == 0 || end != s.length() || total <= 0) {
      throw invalid(key, s, "not a positive duration such as 10m, 30s or 500ms");
    }
    return total;
  }

  private static IllegalArgumentException invalid(String key, String value, String why) {
    return new IllegalArgumentException("invalid configuration: " + key + "=" + value + ": " + why);
  }
}
