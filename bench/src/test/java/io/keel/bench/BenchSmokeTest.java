package io.keel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.keel.testsupport.Ports;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CI smoke test of the tool against the real appliance: when the appliance tarball has been built
 * ({@code -Dkeel.tarball}, by default assembly/target/keel-VERSION.tar.gz), unpacks it, starts one
 * member on free 127.0.0.1 ports, runs {@code put --total 200} and {@code range --total 200}
 * through {@link Bench#run}, and checks that the summaries report 200 successes and no errors.
 * It checks that the tool works, not how fast the server is. Skipped when there is no tarball (a
 * clean reactor builds bench before the assembly; {@code mvn -pl bench test} after a build runs it).
 * {@code -Dkeel.bench.smoke=false} skips it too. The member is always stopped, and killed if it
 * outlives SIGTERM by 30 s.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BenchSmokeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Process member;
  private static Path work;
  private static String endpoint;

  @BeforeAll
  static void startMember() throws Exception {
    Assumptions.assumeFalse("false".equals(System.getProperty("keel.bench.smoke")), "-Dkeel.bench.smoke=false");
    Path tarball = Path.of(System.getProperty("keel.tarball", "../assembly/target/keel-0.1.0-SNAPSHOT.tar.gz"));
    Assumptions.assumeTrue(Files.isRegularFile(tarball), "no appliance tarball at " + tarball + "; smoke test skipped");
    work = Path.of(System.getProperty("keel.bench.workdir", "target/smoke")).toAbsolutePath()
        .resolve("run-" + ProcessHandle.current().pid());
    Files.createDirectories(work);
    Process tar = new ProcessBuilder("tar", "xzf", tarball.toAbsolutePath().toString(), "-C", work.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("tar.log").toFile()).start();
    if (!tar.waitFor(60, TimeUnit.SECONDS) || tar.exitValue() != 0) {
      tar.destroyForcibly();
      throw new IllegalStateException("cannot unpack " + tarball + ": " + Files.readString(work.resolve("tar.log")));
    }
    Path home;
    try (Stream<Path> top = Files.list(work)) {
      home = top.filter(p -> Files.isExecutable(p.resolve("bin/keel"))).findFirst()
          .orElseThrow(() -> new IllegalStateException("no bin/keel in " + tarball));
    }
    int client = Ports.free();
    int peer = Ports.free();
    endpoint = "127.0.0.1:" + client;
    String clientUrl = "http://" + endpoint;
    String peerUrl = "http://127.0.0.1:" + peer;
    ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/keel").toString(),
        "--data-dir=" + work.resolve("data"), "--listen-client-urls=" + clientUrl, "--advertise-client-urls=" + clientUrl,
        "--listen-peer-urls=" + peerUrl, "--initial-advertise-peer-urls=" + peerUrl, "--initial-cluster=default=" + peerUrl,
        "--listen-metrics-urls=http://127.0.0.1:" + Ports.free())
        .directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(work.resolve("member.log").toFile()).redirectInput(new File("/dev/null"));
    pb.environment().keySet().removeIf(k -> k.startsWith("ETCD_") || k.startsWith("KARAF_"));
    member = pb.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> member.destroyForcibly()));
    awaitServing(60);
  }

  @AfterAll
  static void stopMember() throws Exception {
    if (member == null) {
      return;
    }
    member.destroy();
    if (!member.waitFor(30, TimeUnit.SECONDS)) {
      member.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    // keep the logs (member.log, tar.log), drop the unpacked appliance and the data directory
    try (Stream<Path> dirs = Files.list(work)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        try (Stream<Path> all = Files.walk(d)) {
          all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  @Test
  void putAndRangeReportEverySuccessAndNoErrors() throws Exception {
    JsonNode put = bench("put", "--total", "200", "--conns", "2", "--clients", "10", "--val-size", "64",
        "--key-space-size", "50", "--sequential-keys");
    assertEquals(200, put.get("ok").asLong(), put.toString());
    assertEquals(0, put.get("errors").asLong(), put.toString());

    JsonNode range = bench("range", "--total", "200", "--conns", "2", "--clients", "10", "--key-space-size", "50",
        "--consistency", "l");
    assertEquals(200, range.get("ok").asLong(), range.toString());
    assertEquals(0, range.get("errors").asLong(), range.toString());
  }

  /** Runs one bench command line; returns its JSON line after checking the text summary. */
  private static JsonNode bench(String... args) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] full = Stream.concat(Stream.of(args),
        Stream.of("--endpoints", endpoint, "--no-progress", "--max-time", "30s", "--request-timeout", "10s")).toArray(String[]::new);
    int rc = Bench.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), full);
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, text + err.toString(StandardCharsets.UTF_8) + diagnostics());
    assertTrue(text.contains("Requests/sec:"), text);
    assertTrue(text.contains("99.9% in "), text);
    List<String> json = text.lines().filter(l -> l.startsWith("{")).toList();
    assertEquals(1, json.size(), text);
    return JSON.readTree(json.get(0));
  }

  private static void awaitServing(int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    ManagedChannel ch = NettyChannelBuilder.forTarget(endpoint).usePlaintext().build();
    try {
      while (true) {
        if (!member.isAlive()) {
          throw new IllegalStateException("member exited with " + member.exitValue() + "\n" + diagnostics());
        }
        try {
          KVGrpc.newBlockingStub(ch).withDeadlineAfter(1, TimeUnit.SECONDS)
              .range(RangeRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8("smoke")).build());
          return;
        } catch (RuntimeException notYet) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("member not serving within " + seconds + " s\n" + diagnostics());
          }
          Thread.sleep(250);
        }
      }
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static String diagnostics() {
    try {
      Path log = work.resolve("member.log");
      List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
      return "---- member.log (last 60 lines) ----\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(member.log unreadable: " + e + ")";
    }
  }
}
