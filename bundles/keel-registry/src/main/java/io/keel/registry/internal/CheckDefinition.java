package io.keel.registry.internal;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One check of a registration, validated: {@code target} is the URL (HTTP) or host:port (TCP), empty
 * for TTL. Durations are in milliseconds; {@code deregisterAfterMs} 0 means never.
 */
public record CheckDefinition(
    @JsonProperty("CheckID") String checkId,
    @JsonProperty("Name") String name,
    @JsonProperty("Kind") CheckKind kind,
    @JsonProperty("Target") String target,
    @JsonProperty("IntervalMs") long intervalMs,
    @JsonProperty("TimeoutMs") long timeoutMs,
    @JsonProperty("TtlMs") long ttlMs,
    @JsonProperty("DeregisterCriticalServiceAfterMs") long deregisterAfterMs,
    @JsonProperty("InitialStatus") HealthStatus initialStatus) {}
