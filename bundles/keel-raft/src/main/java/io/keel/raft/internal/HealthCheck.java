package io.keel.raft.internal;

import io.keel.api.Alarm;
import io.keel.api.Health;
import io.keel.api.Kv;
import io.keel.api.Maintenance;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * etcd's health check (etcdhttp's checkHealth, with etcd 3.5's reasons): an alarm not excluded, no
 * leader, or a quorum read that does not complete within one second makes the member unhealthy.
 */
public final class HealthCheck implements Health {
  static final long TIMEOUT_MS = 1000;
  private static final byte[] PROBE_KEY = "health".getBytes(StandardCharsets.UTF_8);

  private final Kv kv;
  private final Maintenance maintenance;
  private final Deadlines deadlines;

  public HealthCheck(Kv kv, Maintenance maintenance, Deadlines deadlines) {
    this.kv = kv;
    this.maintenance = maintenance;
    this.deadlines = deadlines;
  }

  @Override
  public CompletionStage<Status> check(Set<String> excludedAlarms) {
    try {
      for (Alarm a : maintenance.alarms()) {
        if (!excludedAlarms.contains(a.type().name())) {
          return CompletableFuture.completedFuture(Status.unhealthy("ALARM " + a.type().name()));
        }
      }
      if (maintenance.status().leader() == 0) {
        return CompletableFuture.completedFuture(Status.unhealthy("RAFT NO LEADER"));
      }
      return read(false, "QGET ERROR:");
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(Status.unhealthy("QGET ERROR:" + e.getMessage()));
    }
  }

  @Override
  public CompletionStage<Status> linearizableRead() {
    return read(false, "");
  }

  @Override
  public CompletionStage<Status> serializableRead() {
    return read(true, "");
  }

  private CompletionStage<Status> read(boolean serializable, String prefix) {
    try {
      RangeRequest probe = new RangeRequest(PROBE_KEY, new byte[0], 0, 0, SortOrder.NONE, SortTarget.KEY, serializable,
          false, true, 0, 0, 0, 0);
      return deadlines.within(kv.range(probe).toCompletableFuture(), TIMEOUT_MS, TimeoutException::new)
          .handle((r, error) -> error == null ? Status.HEALTHY : Status.unhealthy(prefix + why(error)));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(Status.unhealthy(prefix + why(e)));
    }
  }

  private static String why(Throwable error) {
    Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
    return t instanceof TimeoutException ? "context deadline exceeded" : String.valueOf(t.getMessage());
  }
}
