package io.keel.launcher.internal;

import io.keel.api.config.KeelConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What a member is started with, decided before Karaf starts: each flag becomes the environment
 * variable etcd reads for it ({@code --data-dir x} -> {@code ETCD_DATA_DIR=x}), which the server's
 * components read over etc/io.keel.server.cfg, so flags > {@code ETCD_*} > the file. The data
 * directory is always handed over absolute:
 * <ul>
 *   <li>{@code --data-dir} or {@code ETCD_DATA_DIR}: made absolute against the directory bin/keel
 *       was run from;</li>
 *   <li>else {@code data-dir} in the file, if set: made absolute against the appliance folder;</li>
 *   <li>else etcd's default {@code <name>.etcd} in the directory bin/keel was run from.</li>
 * </ul>
 * The whole configuration is then checked as the server will check it, so an invalid value fails
 * here, at once, with the message that names its key.
 *
 * @param exports the {@code ETCD_*} variables to set for the server, in flag order, data-dir last
 */
record MemberLaunch(Map<String, String> exports) {

  static final String CONFIG_FILE = "etc/io.keel.server.cfg";

  static MemberLaunch resolve(Map<String, String> flags, Map<String, String> env, Path home, Path workDir)
      throws LaunchException {
    Map<String, String> exports = new LinkedHashMap<>();
    flags.forEach((key, value) -> exports.put(KeelConfig.envName(key), value));
    Map<String, String> effective = new LinkedHashMap<>(env);
    effective.putAll(exports);
    Map<String, String> file = configFile(home.resolve(CONFIG_FILE));

    Path dataDir;
    if (!blank(effective.get("ETCD_DATA_DIR"))) {
      dataDir = workDir.resolve(effective.get("ETCD_DATA_DIR"));
    } else if (!blank(file.get("data-dir"))) {
      dataDir = home.resolve(file.get("data-dir"));
    } else {
      String name = !blank(effective.get("ETCD_NAME")) ? effective.get("ETCD_NAME") : file.get("name");
      dataDir = workDir.resolve((blank(name) ? "default" : name) + ".etcd");
    }
    exports.put("ETCD_DATA_DIR", dataDir.toString());
    effective.put("ETCD_DATA_DIR", dataDir.toString());
    try {
      KeelConfig config = KeelConfig.from(file, effective);
      for (String suite : config.clientTls().cipherSuites()) {
        try {
          io.keel.tls.CipherSuites.jsseName(suite);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("invalid configuration: cipher-suites="
              + String.join(",", config.clientTls().cipherSuites()) + ": " + e.getMessage());
        }
      }
    } catch (IllegalArgumentException e) {
      throw new LaunchException(1, e.getMessage());
    }
    return new MemberLaunch(exports);
  }

  /** The {@code key = value} lines of the configuration file (none if it is absent). */
  static Map<String, String> configFile(Path file) throws LaunchException {
    Map<String, String> values = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return values;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new LaunchException(1, "cannot read " + file + ": " + e.getMessage());
    }
    p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k).trim()));
    return values;
  }

  /** The exports as lines a POSIX shell evaluates: {@code export ETCD_NAME='x'}. */
  String shell() {
    StringBuilder sb = new StringBuilder();
    exports.forEach((k, v) -> sb.append("export ").append(k).append("='").append(v.replace("'", "'\\''")).append("'\n"));
    return sb.toString();
  }

  private static boolean blank(String s) {
    return s == null || s.isEmpty();
  }
}
