package io.keel.launcher.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * etcd's log-level as Pax Logging (log4j2) configuration: the level of Keel's own loggers, {@code
 * io.keel}, is the logger {@code keel} of the {@code org.ops4j.pax.logging} configuration, as
 * Karaf's {@code log:set LEVEL io.keel} would set it. Other loggers (Karaf's, jraft's) keep theirs.
 */
public final class LogLevels {
  /** ConfigAdmin PID of Pax Logging's configuration (etc/org.ops4j.pax.logging.cfg). */
  public static final String PAX_LOGGING_PID = "org.ops4j.pax.logging";
  public static final String LOGGER = "io.keel";
  static final String NAME_KEY = "log4j2.logger.keel.name";
  static final String LEVEL_KEY = "log4j2.logger.keel.level";

  private LogLevels() {}

  /** etcd's level as log4j2's: zap's dpanic, panic and fatal are all FATAL (Keel logs nothing there). */
  public static String log4jLevel(String etcdLevel) {
    return switch (etcdLevel) {
      case "debug", "info", "warn", "error" -> etcdLevel.toUpperCase(Locale.ROOT);
      case "dpanic", "panic", "fatal" -> "FATAL";
      default -> throw new IllegalArgumentException("unknown log level " + etcdLevel);
    };
  }

  /**
   * The Pax Logging properties to set so that {@code io.keel} logs at {@code etcdLevel}, given the
   * current ones; empty when they already say so.
   */
  public static Map<String, String> changes(Map<String, ?> paxLogging, String etcdLevel) {
    Map<String, String> changes = new LinkedHashMap<>();
    if (!LOGGER.equals(String.valueOf(paxLogging.get(NAME_KEY)))) {
      changes.put(NAME_KEY, LOGGER);
    }
    String level = log4jLevel(etcdLevel);
    Object current = paxLogging.get(LEVEL_KEY);
    if (current == null || !level.equalsIgnoreCase(current.toString().trim())) {
      changes.put(LEVEL_KEY, level);
    }
    return changes;
  }
}
