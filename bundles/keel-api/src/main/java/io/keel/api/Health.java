package io.keel.api;

import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * etcd's health check of this member (its {@code /health}): unhealthy while an alarm is raised (but
 * those named in {@code excludedAlarms}, etcd's {@code ?exclude=NOSPACE}), or without a leader, or
 * when a quorum read does not complete within a second. Served by the client port's /health and by
 * keel-http's /health, /livez and /readyz.
 */
public interface Health {

  /** Never completes exceptionally: a failure is an unhealthy status with its reason. */
  CompletionStage<Status> check(Set<String> excludedAlarms);

  /** Whether this member serves linearizable requests ({@link #check} without the alarms): etcd 3.6's readyz read. */
  CompletionStage<Status> linearizableRead();

  /** Whether this member can read locally (etcd 3.6's livez serializable_read check). */
  CompletionStage<Status> serializableRead();

  /**
   * A verdict and, when unhealthy, etcd 3.5's reason: {@code ALARM NOSPACE}, {@code RAFT NO LEADER}
   * or {@code QGET ERROR:<why>}.
   */
  record Status(boolean healthy, String reason) {
    public static final Status HEALTHY = new Status(true, "");

    public static Status unhealthy(String reason) {
      return new Status(false, reason);
    }
  }
}
