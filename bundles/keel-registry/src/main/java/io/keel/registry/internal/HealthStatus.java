package io.keel.registry.internal;

/** Consul's check states, as written on the wire ({@link #wire()}). */
public enum HealthStatus {
  PASSING, WARNING, CRITICAL;

  @com.fasterxml.jackson.annotation.JsonValue
  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  @com.fasterxml.jackson.annotation.JsonCreator
  public static HealthStatus fromWire(String wire) {
    return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
  }

  /** Consul's AggregatedStatus: the worst of the checks, passing when there are none. */
  static HealthStatus worst(Iterable<CheckState> checks) {
    HealthStatus worst = PASSING;
    for (CheckState c : checks) {
      if (c.status().ordinal() > worst.ordinal()) {
        worst = c.status();
      }
    }
    return worst;
  }
}
