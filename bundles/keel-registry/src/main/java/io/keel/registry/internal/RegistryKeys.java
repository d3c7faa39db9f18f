package io.keel.registry.internal;

import java.nio.charset.StandardCharsets;

/**
 * Where the registry lives in the replicated KV, so that etcd clients can read and watch it:
 *
 * <pre>
 * /keel/registry/services/&lt;service ID&gt;  the registration (JSON, {@link ServiceDefinition}); no lease:
 *                                        it outlives the member that took it
 * /keel/registry/checks/&lt;check ID&gt;      one check's status (JSON, {@link CheckState}); no lease
 * /keel/registry/owners/&lt;service ID&gt;    the member ID (hex) running that service's checks, attached
 *                                        to that member's lease: when the member dies the key expires
 *                                        and another member takes the service with a txn
 * </pre>
 *
 * Invariant: a check key exists only while its service key does (both written and deleted in one
 * txn; a status write is a txn that requires the service key).
 */
public final class RegistryKeys {
  public static final String PREFIX = "/keel/registry/";
  public static final String SERVICES = PREFIX + "services/";
  public static final String CHECKS = PREFIX + "checks/";
  public static final String OWNERS = PREFIX + "owners/";

  private RegistryKeys() {}

  public static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] service(String serviceId) {
    return bytes(SERVICES + serviceId);
  }

  static byte[] check(String checkId) {
    return bytes(CHECKS + checkId);
  }

  static byte[] owner(String serviceId) {
    return bytes(OWNERS + serviceId);
  }

  /** The part of {@code key} after {@code prefix}. */
  static String tail(byte[] key, String prefix) {
    return new String(key, StandardCharsets.UTF_8).substring(prefix.length());
  }
}
