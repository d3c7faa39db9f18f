package io.keel.api.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a running member does when a key of {@code io.keel.server} changes (etc/io.keel.server.cfg
 * edited; Felix FileInstall hands it to ConfigAdmin, DS calls each component's {@code @Modified}).
 * Every key has exactly one {@link How}, so every change is handled by exactly one component and
 * refused keys are logged once:
 *
 * <pre>
 *   IN_PLACE        the owning component applies it at once, nothing restarts
 *                   (log-level: keel-launcher; quota, auto compaction, Raft timing: keel-raft)
 *   CLIENT_SERVER   keel-grpc closes its gRPC/gateway server and opens a new one with the new value
 *                   (client URLs and TLS files, request size, progress notifications); Raft is untouched;
 *                   keel-http reopens its listeners too when they serve https (they use the client TLS)
 *   HTTP_SERVER     keel-http closes its metrics listeners and opens the new ones (listen-metrics-urls)
 *   FIXED           refused: the member keeps the value it started with (keel-raft logs one line naming
 *                   the key); it takes effect at the next start, as etcd reads it at start only
 * </pre>
 *
 * <p>A change is compared on {@linkplain KeelConfig#effective effective} values, after the {@code
 * ETCD_*} variables (and so bin/keel's flags): a key given by a flag does not change when the file
 * does.
 */
public final class ConfigChange {

  /** How a changed key takes effect. */
  public enum How { IN_PLACE, CLIENT_SERVER, HTTP_SERVER, FIXED }

  /** Each key's {@link How}; a key missing here is a programming error (see ConfigChangeTest). */
  public static final Map<String, How> HOW;

  static {
    Map<String, How> how = new TreeMap<>();
    for (String k : List.of("log-level", "quota-backend-bytes", "auto-compaction-mode", "auto-compaction-retention",
        "heartbeat-interval", "election-timeout")) {
      how.put(k, How.IN_PLACE);
    }
    for (String k : List.of("listen-client-urls", "max-request-bytes", "experimental-watch-progress-notify-interval",
        "cert-file", "key-file", "client-cert-auth", "trusted-ca-file", "client-crl-file", "auto-tls")) {
      how.put(k, How.CLIENT_SERVER);
    }
    how.put("listen-metrics-urls", How.HTTP_SERVER);
    for (String k : KeelConfig.KEYS) {
      how.putIfAbsent(k, How.FIXED);
    }
    HOW = Map.copyOf(how);
  }

  private final Map<String, String> accepted;
  private final List<String> changed;
  private final List<String> refused;

  private ConfigChange(Map<String, String> accepted, List<String> changed, List<String> refused) {
    this.accepted = accepted;
    this.changed = changed;
    this.refused = refused;
  }

  /**
   * The change from the effective values a component runs with ({@code running}) to the ones it is
   * given ({@code proposed}): keys that differ, split into those taken and those refused.
   */
  public static ConfigChange between(Map<String, String> running, Map<String, String> proposed) {
    Map<String, String> accepted = new LinkedHashMap<>();
    List<String> changed = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (String key : KeelConfig.KEYS) {
      String before = running.get(key);
      String after = proposed.get(key);
      boolean differs = !Objects.equals(before, after);
      if (differs && HOW.get(key) == How.FIXED) {
        refused.add(key);
        after = before;
      } else if (differs) {
        changed.add(key);
      }
      if (after != null) {
        accepted.put(key, after);
      }
    }
    return new ConfigChange(Map.copyOf(accepted), List.copyOf(changed), List.copyOf(refused));
  }

  /** The effective values to run with: the proposed ones, with every refused key at its running value. */
  public Map<String, String> accepted() {
    return accepted;
  }

  /** Keys that change (all but FIXED ones), in {@link KeelConfig#KEYS} order. */
  public List<String> changed() {
    return changed;
  }

  /** Changed keys whose changes are refused (FIXED), in {@link KeelConfig#KEYS} order. */
  public List<String> refused() {
    return refused;
  }

  /** Whether any changed key is handled the way {@code how} says. */
  public boolean any(How how) {
    return changed.stream().anyMatch(k -> HOW.get(k) == how);
  }

  /** Whether {@code key} changes (and is not refused). */
  public boolean changes(String key) {
    return changed.contains(key);
  }
}
