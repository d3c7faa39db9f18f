package io.keel.tls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * etcd's {@code cipher-suites} flag: Go's {@code crypto/tls} names (what etcd's tlsutil accepts)
 * turned into JSSE's. They restrict TLS 1.2; TLS 1.3's suites are not configurable, as in Go.
 */
public final class CipherSuites {
  /** Go names whose JSSE name differs (Go's pre-1.14 ChaCha20 names). */
  private static final Map<String, String> RENAMED = Map.of(
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");

  /** Every name Go's tls.CipherSuites() and tls.InsecureCipherSuites() give (JSSE spells these the same). */
  private static final Set<String> GO_NAMES = Set.of(
      "TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA",
      "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  /** TLS 1.3's suites: always on, as Go does not let them be configured. */
  static final List<String> TLS13 = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256");

  private CipherSuites() {}

  /** The JSSE name of a Go cipher-suite name; etcd's error for a name Go does not know. */
  public static String jsseName(String goName) {
    if (RENAMED.containsKey(goName)) {
      return RENAMED.get(goName);
    }
    if (GO_NAMES.contains(goName)) {
      return goName;
    }
    throw new IllegalArgumentException("unexpected TLS cipher suite \"" + goName + "\"");
  }

  /**
   * The suites to enable: the configured ones this JVM supports (in order) plus TLS 1.3's, or the
   * JVM's defaults when none are configured. A configured list of which the JVM supports none fails.
   */
  public static String[] enabled(List<String> goNames, String[] supported, String[] defaults) {
    if (goNames.isEmpty()) {
      return defaults;
    }
    Set<String> have = Set.copyOf(Arrays.asList(supported));
    Set<String> out = new LinkedHashSet<>();
    List<String> dropped = new ArrayList<>();
    for (String go : goNames) {
      String jsse = jsseName(go);
      if (have.contains(jsse)) {
        out.add(jsse);
      } else {
        dropped.add(go);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("none of the cipher-suites " + goNames + " is supported by this JVM");
    }
    for (String s : TLS13) {
      if (have.contains(s)) {
        out.add(s);
      }
    }
    if (!dropped.isEmpty()) {
      org.slf4j.LoggerFactory.getLogger(CipherSuites.class).warn("cipher suites not supported by this JVM, ignored: {}",
          dropped);
    }
    return out.toArray(new String[0]);
  }
}
