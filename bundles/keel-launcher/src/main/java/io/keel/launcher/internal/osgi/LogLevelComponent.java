package io.keel.launcher.internal.osgi;

import io.keel.api.config.KeelConfig;
import io.keel.api.config.ServerConfig;
import io.keel.launcher.internal.LogLevels;
import java.io.IOException;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Map;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's log-level, live: the level of Keel's loggers ({@code io.keel}) follows io.keel.server's
 * {@code log-level} at start and whenever it changes, through Pax Logging's ConfigAdmin
 * configuration (what Karaf's {@code log:set} changes; FileInstall saves it to
 * etc/org.ops4j.pax.logging.cfg). A {@code log:set} in the console holds until log-level changes
 * or the member restarts.
 */
@Component(configurationPid = "io.keel.server", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
public final class LogLevelComponent {
  private static final Logger LOG = LoggerFactory.getLogger(LogLevelComponent.class);
  @Reference
  private ConfigurationAdmin configAdmin;
  private String running;

  @Activate
  void activate(ServerConfig settings) {
    String level = level(settings);
    if (level != null) {
      apply(level);
      running = level;
    }
  }

  @Modified
  void modified(ServerConfig settings) {
    String level = level(settings);
    if (level != null && !level.equals(running)) {
      apply(level);
      running = level;
    }
  }

  /** The effective log-level (ETCD_LOG_LEVEL first), or null when invalid (logged). */
  private static String level(ServerConfig settings) {
    try {
      return KeelConfig.logLevel(KeelConfig.effective(settings, System.getenv()).get("log-level"));
    } catch (IllegalArgumentException e) {
      LOG.error("configuration change refused, the log level stays: {}", e.getMessage());
      return null;
    }
  }

  private void apply(String level) {
    try {
      Configuration pax = configAdmin.getConfiguration(LogLevels.PAX_LOGGING_PID, null);
      Dictionary<String, Object> properties = pax.getProperties();
      if (properties == null) {
        LOG.warn("no Pax Logging configuration ({}): log-level={} not applied", LogLevels.PAX_LOGGING_PID, level);
        return;
      }
      Map<String, Object> current = new HashMap<>();
      for (String key : Collections.list(properties.keys())) {
        current.put(key, properties.get(key));
      }
      Map<String, String> changes = LogLevels.changes(current, level);
      if (changes.isEmpty()) {
        return;
      }
      changes.forEach(properties::put);
      // logged before the change: at a higher level it would not show
      LOG.info("log level changed log-level={} logger={}", level, LogLevels.LOGGER);
      pax.update(properties);
    } catch (IOException e) {
      LOG.error("log-level={} not applied: {}", level, e.toString());
    }
  }
}
