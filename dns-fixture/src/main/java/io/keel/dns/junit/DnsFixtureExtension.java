package io.keel.dns.junit;

import io.keel.dns.DnsServer;
import io.keel.dns.Zone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the DNS fixture on 127.0.0.1, on a port free for UDP and TCP, with records given in code:
 *
 * <pre>
 * &#64;RegisterExtension
 * static DnsFixtureExtension dns = DnsFixtureExtension.with(z -&gt; z
 *     .local("example.com")
 *     .host("infra0.example.com", "127.0.0.1")
 *     .srv("_etcd-server._tcp.example.com", "infra0.example.com", 2380, 0, 100));
 * ... dns.port(), dns.hostPort(), dns.replace(...)
 * </pre>
 *
 * Registered on a static field it serves the whole class, on an instance field each test. It stops
 * the server afterwards.
 */
public final class DnsFixtureExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private final Zone zone;
  private DnsServer server;
  private boolean perClass;

  private DnsFixtureExtension(Zone zone) {
    this.zone = zone;
  }

  public static DnsFixtureExtension with(Consumer<Zone.Builder> records) {
    Zone.Builder b = Zone.builder();
    records.accept(b);
    return new DnsFixtureExtension(b.build());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      stop();
    }
  }

  private void start() {
    try {
      server = new DnsServer(List.of(InetAddress.getLoopbackAddress()), 0, zone).start();
    } catch (IOException e) {
      throw new UncheckedIOException("dns fixture did not start", e);
    }
  }

  private void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  public int port() {
    return running().port();
  }

  /** "127.0.0.1:PORT", the form of Keel's discovery-dns-server. */
  public String hostPort() {
    return "127.0.0.1:" + port();
  }

  /** Serves {@code records} from now on (the old data is dropped at once). */
  public void replace(Consumer<Zone.Builder> records) {
    Zone.Builder b = Zone.builder();
    records.accept(b);
    running().replace(b.build());
  }

  public DnsServer server() {
    return running();
  }

  private DnsServer running() {
    if (server == null) {
      throw new IllegalStateException("the dns fixture runs only while a test runs");
    }
    return server;
  }
}
