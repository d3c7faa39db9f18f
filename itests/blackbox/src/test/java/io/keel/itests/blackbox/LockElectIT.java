package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.testsupport.Await;
import io.keel.testsupport.Etcdctl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's acceptance of locks and elections with the real etcdctl, as separate processes against
 * a three-member cluster (one for the class): {@code etcdctl lock} from three processes never lets
 * two critical sections overlap, and {@code etcdctl elect} hands leadership on when the leader's
 * process is killed, which an {@code elect -l} observer prints, and when a campaigner's lease
 * expires. Runs against real etcd too
 * ({@code -Dkeel.blackbox.server=etcd}).
 */
class LockElectIT {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static ApplianceCluster cluster;
  private static Path work;

  @BeforeAll
  static void startCluster() throws IOException {
    Path base = Path.of(System.getProperty("keel.blackbox.workdir", "target/blackbox")).toAbsolutePath();
    Files.createDirectories(base);
    work = Files.createTempDirectory(base, "lockelect");
    cluster = ApplianceCluster.create("lockelect", 3).startNew();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * Three workers, each on its own member, run {@code etcdctl lock} three times. Each critical
   * section appends its start and end to one log (O_APPEND) and increments a counter file by a
   * read, a pause and a write: two sections overlapping would interleave in the log and lose an
   * increment. ETCD_LOCK_REV, the revision at which each holder got the lock, grows from one
   * section to the next (the fencing token).
   */
  @Test
  void etcdctlLockFromThreeProcessesNeverOverlaps() throws Exception {
    Path log = work.resolve("sections.log");
    Path counter = work.resolve("counter");
    Files.writeString(counter, "0\n");
    Path section = work.resolve("section.sh");
    Files.writeString(section, String.join("\n",
        "echo \"start $2 $ETCD_LOCK_REV\" >> \"$1.log\"",
        "n=$(cat \"$1\")",
        "sleep 0.2",
        "echo $((n + 1)) > \"$1\"",
        "echo \"end $2\" >> \"$1.log\"", ""));
    int workers = 3;
    int rounds = 3;
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<List<Etcdctl.Result>>> runs = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int worker = w;
        runs.add(pool.submit(() -> {
          List<Etcdctl.Result> results = new ArrayList<>();
          for (int r = 0; r < rounds; r++) {
            results.add(cluster.member(worker).etcdctl().run(BOUND, null, "lock", "/it/lock", "sh",
                section.toString(), counter.toString(), "w" + worker + "r" + r));
          }
          return results;
        }));
      }
      for (Future<List<Etcdctl.Result>> run : runs) {
        for (Etcdctl.Result r : run.get(2 * BOUND.toSeconds() * rounds, TimeUnit.SECONDS)) {
          assertTrue(r.ok(), "etcdctl lock: " + r);
        }
      }
    } finally {
      pool.shutdownNow();
    }

    List<String> lines = Files.readAllLines(Path.of(counter + ".log"), StandardCharsets.UTF_8);
    assertEquals(2 * workers * rounds, lines.size(), "every section ran: " + lines);
    long lastRevision = 0;
    List<String> ran = new ArrayList<>();
    for (int i = 0; i < lines.size(); i += 2) {
      String[] start = lines.get(i).split(" ");
      assertEquals("start", start[0], "sections interleaved: " + lines);
      assertEquals("end " + start[1], lines.get(i + 1), "sections interleaved: " + lines);
      long revision = Long.parseLong(start[2]);
      assertTrue(revision > lastRevision, "ETCD_LOCK_REV grows from holder to holder: " + lines);
      lastRevision = revision;
      ran.add(start[1]);
    }
    assertEquals(workers * rounds, ran.stream().distinct().count(), "each section once: " + lines);
    assertEquals(String.valueOf(workers * rounds), Files.readString(counter).trim(), "no increment lost");
    assertEquals("", cluster.member(0).etcdctl().run("get", "/it/lock", "--prefix", "--keys-only").stdout(),
        "every lock key deleted");
  }

  /**
   * alpha leads, beta campaigns behind it, an {@code elect -l} observer prints each leader. alpha's
   * etcdctl is killed with -9: its key stays until its session lease ends, which would take
   * etcdctl's fixed 60 s TTL, so the test revokes that lease as its expiry would (one revocation
   * through the log) and beta is elected. beta then gets SIGTERM, on which etcdctl resigns, and
   * gamma, waiting behind it, is elected at once.
   */
  @Test
  void etcdctlElectHandsLeadershipOnWhenTheLeaderIsKilled() throws Exception {
    List<Background> started = new ArrayList<>();
    try {
      Background observer = start(started, "observer", 2, "elect", "-l", "/it/elect");
      Background alpha = start(started, "alpha", 0, "elect", "/it/elect", "alpha");
      alpha.awaitLine("alpha");
      String alphaKey = alpha.lines().get(0);
      assertTrue(alphaKey.startsWith("/it/elect/"), "alpha prints its key: " + alpha.lines());
      Background beta = start(started, "beta", 1, "elect", "/it/elect", "beta");
      observer.awaitLine("alpha");
      // beta waits behind alpha: its key is there, it has not printed it
      Await.until(BOUND, "beta's key",
          () -> cluster.member(0).etcdctl().run("get", "/it/elect", "--prefix", "--keys-only").stdout().lines()
              .filter(l -> !l.isBlank()).count() == 2);
      assertFalse(beta.lines().contains("beta"), "beta elected while alpha leads: " + beta.lines());

      alpha.process().destroyForcibly().waitFor(BOUND.toSeconds(), TimeUnit.SECONDS);
      assertTrue(cluster.member(2).etcdctl().run("get", alphaKey, "--keys-only").stdout().contains(alphaKey),
          "a killed campaigner's key outlives it until its lease ends");
      String lease = alphaKey.substring("/it/elect/".length());
      Etcdctl.Result revoked = cluster.member(2).etcdctl().run("lease", "revoke", lease);
      assertTrue(revoked.ok(), "lease revoke: " + revoked);
      beta.awaitLine("beta");
      observer.awaitLine("beta");

      Background gamma = start(started, "gamma", 2, "elect", "/it/elect", "gamma");
      Await.until(BOUND, "gamma's key",
          () -> cluster.member(0).etcdctl().run("get", "/it/elect", "--prefix", "--keys-only").stdout().lines()
              .filter(l -> !l.isBlank()).count() == 2);
      beta.process().destroy(); // SIGTERM: etcdctl resigns and exits
      assertTrue(beta.process().waitFor(BOUND.toSeconds(), TimeUnit.SECONDS), "beta exits on SIGTERM");
      assertEquals(0, beta.process().exitValue(), "beta resigned cleanly: " + beta.lines());
      gamma.awaitLine("gamma");
      observer.awaitLine("gamma");
      assertTrue(observer.process().isAlive(), "the observer follows every leader: " + observer.lines());
      List<String> seen = observer.lines().stream().filter(l -> !l.startsWith("/it/elect/")).toList();
      assertEquals(List.of("alpha", "beta", "gamma"), seen, "the observer's leaders, in order");
    } finally {
      for (Background b : started) {
        b.process().destroyForcibly();
        b.process().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * The same hand-over by real lease expiry, bounded by a short TTL: alpha campaigns through the
   * v3election service (the gateway's /v3/election/campaign) with a 2 s lease that a separate
   * {@code etcdctl lease keep-alive} process renews; while it runs alpha stays leader past the TTL.
   * Killing that process with -9 lets the lease expire, and beta, waiting in {@code etcdctl elect},
   * is elected; the observer prints it.
   */
  @Test
  void aCampaignWhoseKeepAliveIsKilledExpiresAndTheNextCampaignerLeads() throws Exception {
    List<Background> started = new ArrayList<>();
    try {
      String granted = cluster.member(0).etcdctl().run("lease", "grant", "2").stdout();
      String leaseHex = granted.split(" ")[1]; // lease 694d7e... granted with TTL(2s)
      Background keepAlive = start(started, "keepalive", 0, "lease", "keep-alive", leaseHex);
      Background observer = start(started, "expiry-observer", 2, "elect", "-l", "/it/expire");
      String body = "{\"name\":\"" + base64("/it/expire") + "\",\"lease\":\""
          + Long.parseUnsignedLong(leaseHex, 16) + "\",\"value\":\"" + base64("alpha") + "\"}";
      java.net.http.HttpResponse<String> won = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(cluster.member(1).clientUrl() + "/v3/election/campaign"))
              .timeout(BOUND).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, won.statusCode(), won.body());
      // etcd names the key with %x of the lease (no leading zero); etcdctl prints the lease as %016x
      String keyHex = Long.toHexString(Long.parseUnsignedLong(leaseHex, 16));
      assertTrue(won.body().contains(base64("/it/expire/" + keyHex)), "alpha leads with its lease's key: " + won.body());
      observer.awaitLine("alpha");
      Background beta = start(started, "expiry-beta", 1, "elect", "/it/expire", "beta");
      Await.until(BOUND, "beta's key",
          () -> cluster.member(0).etcdctl().run("get", "/it/expire", "--prefix", "--keys-only").stdout().lines()
              .filter(l -> !l.isBlank()).count() == 2);
      Await.pause(3000); // past alpha's TTL: the keep-alive holds it
      assertFalse(beta.lines().contains("beta"), "beta elected while alpha's lease is kept alive: " + beta.lines());

      keepAlive.process().destroyForcibly().waitFor(BOUND.toSeconds(), TimeUnit.SECONDS);
      beta.awaitLine("beta");
      observer.awaitLine("beta");
      assertEquals(List.of("alpha", "beta"),
          observer.lines().stream().filter(l -> !l.startsWith("/it/expire/")).toList(), "the observer's leaders");
      assertEquals("", cluster.member(2).etcdctl().run("get", "/it/expire/" + keyHex, "--keys-only").stdout(),
          "alpha's key went with its lease");
    } finally {
      for (Background b : started) {
        b.process().destroyForcibly();
        b.process().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static String base64(String s) {
    return java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A long-running etcdctl with its stdout in a file. */
  private record Background(Process process, Path out) {
    List<String> lines() {
      try {
        return Files.readAllLines(out, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void awaitLine(String line) {
      Await.until(BOUND, out.getFileName() + " prints " + line, () -> lines().contains(line));
    }
  }

  private static Background start(List<Background> started, String name, int member, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Etcdctl.BINARY, "--endpoints=" + cluster.member(member).clientEndpoint(),
        "--dial-timeout=3s"));
    cmd.addAll(List.of(args));
    Path out = work.resolve(name + ".out");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
        .redirectError(work.resolve(name + ".err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("ETCDCTL_"));
    pb.environment().put("ETCDCTL_API", "3");
    Background b = new Background(pb.start(), out);
    started.add(b);
    return b;
  }
}
