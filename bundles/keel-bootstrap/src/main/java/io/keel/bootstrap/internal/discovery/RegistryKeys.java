package io.keel.bootstrap.internal.discovery;

import java.io.IOException;
import java.util.List;

/**
 * The v3 requests etcd 3.6's v3 discovery makes of the discovery cluster: read one key, read a
 * prefix, put, and watch a prefix from a revision. Over the JSON gateway in {@link
 * GatewayRegistryKeys}; a fake in tests. Any failure is an {@link IOException}: the protocol retries
 * each step, as etcd does.
 */
public interface RegistryKeys {

  /** A key-value as the v3 API returns it. */
  record Kv(String key, String value, long createRevision) {}

  /** The keys read and the store revision they were read at (the response header's). */
  record Listing(List<Kv> kvs, long revision) {}

  Listing get(String key) throws IOException;

  Listing getPrefix(String prefix) throws IOException;

  void put(String key, String value) throws IOException;

  /**
   * Watches keys under {@code prefix} from revision {@code fromRevision} and hands each event's
   * key-value to {@code events} until it returns true (enough seen). Returns when it did, or throws
   * when the watch broke.
   */
  void watchPrefix(String prefix, long fromRevision, EventSink events) throws IOException;

  /** Receives watched key-values; answers whether the watch may end. */
  interface EventSink {
    boolean accept(Kv kv);
  }
}
