package io.keel.itests.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.testsupport.Ports;
import io.keel.testsupport.UnpackedAppliance;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One fresh, empty single-member server on free 127.0.0.1 ports, named {@code default} as etcd's
 * own default: the real etcd ({@code /usr/bin/etcd}) or Keel (the appliance tarball unpacked into
 * its own folder, started with {@code bin/keel}). Both get the same etcd flags. {@link #start}
 * returns at once so several servers can boot side by side; {@link #awaitReady} waits for health
 * and learns the member and cluster IDs the normalizer hides; {@link #close} sends SIGTERM and
 * SIGKILL after 30 s. A shutdown hook kills whatever is still running when the JVM exits.
 */
final class Server implements AutoCloseable {

  /** The server binaries under comparison. */
  enum Kind {
    ETCD, KEEL;

    static Kind of(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  static final String ETCD_BINARY = System.getenv().getOrDefault("ETCD", "/usr/bin/etcd");
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-servers"));
  }

  private final Kind kind;
  private final Path work;
  private final int clientPort;
  private final int peerPort;
  private final Process process;
  /** The unpacked appliance (Keel only). */
  private final Path home;
  private String memberId;
  private String clusterId;

  private Server(Kind kind, Path work, Path binary) {
    this.kind = kind;
    this.work = work;
    this.home = kind == Kind.KEEL ? binary.getParent().getParent() : null;
    this.clientPort = Ports.free();
    this.peerPort = Ports.free();
    String client = "http://" + endpoint();
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--name=default", "--data-dir=" + work.resolve("data"),
        "--listen-client-urls=" + client, "--advertise-client-urls=" + client,
        "--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer, "--initial-cluster=default=" + peer,
        // Keel's appliance listens for metrics on 127.0.0.1:2381 by default: a free port instead
        "--listen-metrics-urls=http://127.0.0.1:" + Ports.free()));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(work.resolve("output.log").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().keySet().removeIf(k -> k.startsWith("ETCD_") || k.startsWith("KARAF_"));
    try {
      Files.writeString(work.resolve("command.txt"), String.join(" ", cmd) + "\n", StandardCharsets.UTF_8);
      this.process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd, e);
    }
    LIVE.add(process);
  }

  /** Starts a fresh server of {@code kind} in a new folder {@code work}; does not wait for it. */
  static Server start(Kind kind, Path work, Path keelTarball) {
    try {
      Files.createDirectories(work);
      return new Server(kind, work, kind == Kind.ETCD ? Path.of(ETCD_BINARY) : unpack(keelTarball, work));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path unpack(Path tarball, Path work) {
    return UnpackedAppliance.unpack(tarball, work.resolve("appliance")).resolve("bin/keel");
  }

  /**
   * Waits until the client port accepts connections (a cheap check while Keel boots) and etcdctl
   * reports the endpoint healthy, then reads the member and cluster IDs from {@code member list}.
   * Fails early if the process exits.
   */
  Server awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError(kind + " exited with " + process.exitValue() + " before becoming healthy\n" + diagnostics());
      }
      if (accepts()) {
        Exec.Result health = etcdctl("endpoint", "health");
        if (health.exitCode() == 0 && (health.stdout() + health.stderr()).contains("is healthy")) {
          break;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(kind + " not healthy at " + endpoint() + " within " + timeout + "\n" + diagnostics());
      }
      sleep(250);
    }
    Exec.Result members = etcdctl("member", "list", "-w", "json");
    try {
      JsonNode header = new ObjectMapper().readTree(members.stdout()).path("header");
      memberId = header.path("member_id").asText();
      clusterId = header.path("cluster_id").asText();
    } catch (IOException e) {
      throw new AssertionError(kind + ": unreadable member list: " + members, e);
    }
    if (memberId.isEmpty() || clusterId.isEmpty()) {
      throw new AssertionError(kind + ": member list without member or cluster ID: " + members);
    }
    return this;
  }

  private boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), clientPort), 1000);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private Exec.Result etcdctl(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Steps.ETCDCTL, "--endpoints=" + endpoint(), "--dial-timeout=2s",
        "--command-timeout=5s"));
    cmd.addAll(Arrays.asList(args));
    try {
      return Exec.run(cmd, Map.of("ETCDCTL_API", "3"), null, Duration.ofSeconds(10));
    } catch (AssertionError slow) {
      return new Exec.Result(1, "", String.valueOf(slow.getMessage())); // a loaded machine can stall etcdctl
    }
  }

  Kind kind() {
    return kind;
  }

  /** The server's own folder (its data directory, output and, for Keel, the appliance are inside). */
  Path dir() {
    return work;
  }

  String endpoint() {
    return "127.0.0.1:" + clientPort;
  }

  int clientPort() {
    return clientPort;
  }

  int peerPort() {
    return peerPort;
  }

  /** The member ID in decimal, as etcdctl's JSON prints it. */
  String memberId() {
    return memberId;
  }

  /** The cluster ID in decimal. */
  String clusterId() {
    return clusterId;
  }

  String diagnostics() {
    StringBuilder b = new StringBuilder("---- ").append(kind).append(" output (").append(work).append(") ----\n")
        .append(tail(work.resolve("output.log")));
    try (Stream<Path> logs = Files.walk(work, 5)) {
      logs.filter(p -> p.getFileName().toString().equals("karaf.log")).findFirst()
          .ifPresent(log -> b.append("\n---- karaf.log ----\n").append(tail(log)));
    } catch (IOException ignored) {
      // no appliance folder: etcd
    }
    return b.toString();
  }

  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new AssertionError(kind + " did not stop within " + STOP_GRACE + " of SIGTERM; killed");
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      LIVE.remove(process);
      if (kind == Kind.KEEL && !process.isAlive()) {
        // the member's output, Karaf's log and data stay for reading; what the tarball rebuilds goes
        UnpackedAppliance.shed(home);
      }
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
