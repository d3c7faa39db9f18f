package io.keel.recipes;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.WatchResponse;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Configuration pushed to clients by watch: read everything under a prefix (one revision R), then
 * watch the prefix from R + 1. Every change after the read arrives exactly once, in revision order,
 * and none before it is applied twice: the read and the watch meet at R. A client that reconnects
 * watches again from the last revision it applied + 1 (if that was compacted, it reads again).
 */
public final class ConfigWatcher implements AutoCloseable {
  /** One change: the key, its new value (empty if deleted) and the revision it was made at. */
  public record Change(String key, Optional<ByteString> value, long revision) {}

  private final Map<String, ByteString> current = new TreeMap<>();
  private final EtcdChannel.Watching watching;
  private long revision;

  /**
   * Reads the configuration under {@code prefix}, then hands every later change to {@code changes}
   * (on a gRPC thread, one at a time, in revision order); {@code failed} gets a broken watch.
   */
  public ConfigWatcher(EtcdChannel etcd, String prefix, Consumer<Change> changes, Consumer<Throwable> failed) {
    ByteString p = EtcdChannel.bytes(prefix);
    RangeResponse all = etcd.kv().range(EtcdChannel.prefixRange(p).build());
    synchronized (this) {
      for (KeyValue kv : all.getKvsList()) {
        current.put(EtcdChannel.string(kv.getKey()), kv.getValue());
      }
      revision = all.getHeader().getRevision();
    }
    watching = etcd.watch(p, EtcdChannel.prefixEnd(p), revision + 1, response -> apply(response, changes), failed);
  }

  private synchronized void apply(WatchResponse response, Consumer<Change> changes) {
    for (Event e : response.getEventsList()) {
      String key = EtcdChannel.string(e.getKv().getKey());
      Optional<ByteString> value = e.getType() == Event.EventType.PUT ? Optional.of(e.getKv().getValue())
          : Optional.empty();
      value.ifPresentOrElse(v -> current.put(key, v), () -> current.remove(key));
      revision = e.getKv().getModRevision();
      changes.accept(new Change(key, value, revision));
    }
  }

  /** The configuration as of {@link #revision()}. */
  public synchronized Map<String, ByteString> current() {
    return Map.copyOf(current);
  }

  /** The revision of the last change applied (or of the first read). */
  public synchronized long revision() {
    return revision;
  }

  @Override
  public void close() {
    watching.close();
  }
}
