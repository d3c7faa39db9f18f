package io.keel.registry.internal;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A check's status, as stored under {@link RegistryKeys#CHECKS}. {@code ttlDeadlineMs} (TTL checks,
 * wall clock) is when the check turns critical unless updated again; {@code criticalSinceMs} (wall
 * clock, 0 unless critical) starts the DeregisterCriticalServiceAfter timer. Both are wall-clock
 * times because another member may take the check over.
 */
public record CheckState(
    @JsonProperty("CheckID") String checkId,
    @JsonProperty("ServiceID") String serviceId,
    @JsonProperty("Status") HealthStatus status,
    @JsonProperty("Output") String output,
    @JsonProperty("TtlDeadlineMs") long ttlDeadlineMs,
    @JsonProperty("CriticalSinceMs") long criticalSinceMs) {

  /** This state moved to {@code next} at {@code nowMs}, the critical timer kept while it stays critical. */
  CheckState to(HealthStatus next, String out, long ttlDeadline, long nowMs) {
    long since = next != HealthStatus.CRITICAL ? 0 : status == HealthStatus.CRITICAL && criticalSinceMs > 0 ? criticalSinceMs : nowMs;
    return new CheckState(checkId, serviceId, next, out, ttlDeadline, since);
  }
}
