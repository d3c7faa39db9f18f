package io.keel.registry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckStateTest {
  /** DeregisterCriticalServiceAfter counts from when a check turned critical, across further critical results. */
  @ParameterizedTest
  @CsvSource({
      // from,     since, to,       at,  expected since
      "PASSING,    0,     CRITICAL, 100, 100",
      "CRITICAL,   50,    CRITICAL, 100, 50",
      "CRITICAL,   50,    PASSING,  100, 0",
      "WARNING,    0,     CRITICAL, 100, 100",
      "CRITICAL,   50,    WARNING,  100, 0",
  })
  void theCriticalTimerStartsOnceAndStopsWhenItLeavesCritical(HealthStatus from, long since, HealthStatus to, long at,
      long expected) {
    CheckState s = new CheckState("c", "s", from, "", 0, since);
    assertEquals(expected, s.to(to, "out", 0, at).criticalSinceMs());
    assertEquals(to, s.to(to, "out", 0, at).status());
  }
}
