package io.keel.registry.internal;

import java.util.List;

/** One registered instance as read from the KV: its definition, its checks' states and its key's revisions. */
public record Instance(ServiceDefinition service, List<CheckState> checks, long createIndex, long modifyIndex) {
  public Instance {
    checks = List.copyOf(checks);
  }

  public HealthStatus health() {
    return HealthStatus.worst(checks);
  }
}
