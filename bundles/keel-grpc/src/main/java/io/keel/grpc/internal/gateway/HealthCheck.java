package io.keel.grpc.internal.gateway;

import io.keel.api.Kv;
import io.keel.api.Maintenance;
import io.keel.api.ServerStatus;
import io.keel.api.kv.RangeRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * etcd 3.4's {@code /health} check: unhealthy while an alarm is raised or there is no leader,
 * otherwise healthy if a quorum read completes within one second.
 */
final class HealthCheck {
  static final long TIMEOUT_MS = 1000;
  private static final byte[] PROBE_KEY = "health".getBytes(StandardCharsets.UTF_8);

  private final Kv kv;
  private final Maintenance maintenance;

  HealthCheck(Kv kv, Maintenance maintenance) {
    this.kv = kv;
    this.maintenance = maintenance;
  }

  CompletionStage<Boolean> check() {
    try {
      ServerStatus status = maintenance.status();
      if (!status.errors().isEmpty() || status.leader() == 0) {
        return CompletableFuture.completedFuture(false);
      }
      return kv.range(RangeRequest.of(PROBE_KEY, new byte[0])).toCompletableFuture()
          .orTimeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
          .handle((r, error) -> error == null);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(false);
    }
  }
}
