package io.keel.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class LogLevelsTest {

  @ParameterizedTest
  @CsvSource({"debug,DEBUG", "info,INFO", "warn,WARN", "error,ERROR", "dpanic,FATAL", "panic,FATAL", "fatal,FATAL"})
  void etcdLevelsAsLog4j(String etcd, String log4j) {
    assertEquals(log4j, LogLevels.log4jLevel(etcd));
  }

  @Test
  void unknownLevelsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> LogLevels.log4jLevel("verbose"));
  }

  @Test
  void onlyWhatDiffersChanges() {
    Map<String, Object> info = Map.of("log4j2.logger.keel.name", "io.keel", "log4j2.logger.keel.level", "INFO");
    assertEquals(Map.of(), LogLevels.changes(info, "info"));
    assertEquals(Map.of("log4j2.logger.keel.level", "DEBUG"), LogLevels.changes(info, "debug"));
    assertEquals(Map.of("log4j2.logger.keel.name", "io.keel", "log4j2.logger.keel.level", "WARN"),
        LogLevels.changes(Map.of("log4j2.rootLogger.level", "INFO"), "warn"));
  }
}
