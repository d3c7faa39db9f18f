package io.keel.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the server's data when the configuration file or one of its hosts files changes (polled
 * by content, so an edit within the same second is seen) and on SIGHUP, as dnsmasq re-reads its
 * hosts files on SIGHUP.
 *
 * <p>A reload parses the whole new configuration first and swaps it in only when it is valid: a bad
 * file keeps the old data and logs why, at WARN, once per change. listen-address and port are read
 * at start only (a change is logged and needs a restart).
 */
public final class ConfigReloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

  private final Path config;
  private final DnsmasqConfig parser;
  private final DnsServer server;
  private final FixtureConfig started;
  private ScheduledExecutorService poller;
  private List<Path> files;
  private byte[] fingerprint;

  public ConfigReloader(Path config, DnsmasqConfig parser, DnsServer server, FixtureConfig started) {
    this.config = config;
    this.parser = parser;
    this.server = server;
    this.started = started;
    this.files = started.files();
    this.fingerprint = fingerprint(files);
  }

  /** Polls for changes every {@code pollMs} and, when {@code sighup}, reloads on SIGHUP too. */
  public ConfigReloader start(long pollMs, boolean sighup) {
    poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "keel-dns-reload");
      t.setDaemon(true);
      return t;
    });
    poller.scheduleWithFixedDelay(this::checkForChange, pollMs, pollMs, TimeUnit.MILLISECONDS);
    if (sighup) {
      Hangup.install(() -> poller.execute(() -> reload("SIGHUP")));
    }
    return this;
  }

  /** Reloads if a file changed since the last look; true when it did. */
  public synchronized boolean checkForChange() {
    byte[] now = fingerprint(files);
    if (Arrays.equals(now, fingerprint)) {
      return false;
    }
    reload("file change");
    return true;
  }

  /** Parses the configuration again and swaps it in when valid; true when the data was replaced. */
  public synchronized boolean reload(String why) {
    fingerprint = fingerprint(files);
    FixtureConfig next;
    try {
      next = parser.read(config);
    } catch (ConfigException | RuntimeException e) {
      LOG.warn("dns fixture reload ({}) failed, keeping the previous data: {}", why, e.getMessage());
      return false;
    }
    files = next.files();
    fingerprint = fingerprint(files);
    if (next.port() != started.port() || !next.listenAddresses().equals(started.listenAddresses())) {
      LOG.warn("dns fixture: listen-address and port changes need a restart (still {} port {})",
          started.listenAddresses(), started.port());
    }
    server.replace(next.zone());
    LOG.info("dns fixture reloaded ({}) names={} from {}", why, next.zone().size(), config);
    return true;
  }

  private static byte[] fingerprint(List<Path> files) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Path f : new ArrayList<>(files)) {
        md.update(f.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
          md.update(Files.readAllBytes(f));
        } catch (IOException e) {
          md.update((byte) 0xff); // missing or unreadable: a change too, and the reload says why
        }
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
  }
}
