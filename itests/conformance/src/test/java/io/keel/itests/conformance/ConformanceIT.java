package io.keel.itests.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.keel.itests.conformance.CaseFile.Case;
import io.keel.itests.conformance.Server.Kind;
import io.keel.itests.conformance.Steps.Transcript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * The differential conformance suite: every case file under {@code cases/} runs against a fresh
 * real etcd 3.4 and a fresh Keel appliance, the same steps in the same order on both, and each case
 * is one dynamic test that passes when the two normalized transcripts are equal (see
 * {@link Normalizer} for what is hidden). A fresh pair per file keeps a failing case from shifting
 * the revisions of cases in other files. Files run two at a time (a Keel boots while the previous
 * file's steps run). Cases in known-differences.txt are reported as skipped with their reason.
 *
 * <p>Transcripts of both sides are written under target/conformance/ (file/case.etcd.txt and
 * file/case.keel.txt), next to each server's output.
 */
class ConformanceIT {

  static final Kind CANDIDATE = Kind.of(System.getProperty("keel.conformance.candidate", "keel"));
  static final boolean RUN_KNOWN = Boolean.getBoolean("keel.conformance.runKnownDifferences");
  static final Path WORK = Path.of(System.getProperty("keel.conformance.workdir", "target/conformance")).toAbsolutePath();
  static final Path TARBALL = Path.of(System.getProperty("keel.tarball", "target/appliance/keel.tar.gz")).toAbsolutePath();
  /**
   * A quiet 2-core machine boots Keel in about 5 s; at load average 45 (two suites and other builds
   * on 2 cores) boots took more than 180 s. -Dkeel.conformance.bootTimeoutSeconds overrides it.
   */
  static final Duration BOOT_TIMEOUT = Duration.ofSeconds(Long.getLong("keel.conformance.bootTimeoutSeconds", 300));
  static final int PARALLEL_FILES = Integer.getInteger("keel.conformance.parallelFiles", 2);

  private static final ExecutorService FILES = Executors.newFixedThreadPool(PARALLEL_FILES);
  /** Runs the etcd side of a file while the file's own thread runs the candidate side. */
  private static final ExecutorService SIDES = Executors.newCachedThreadPool();

  @AfterAll
  static void shutdown() {
    FILES.shutdownNow();
    SIDES.shutdownNow();
  }

  @TestFactory
  Stream<DynamicNode> conformance() {
    List<CaseFile> files = caseFiles();
    KnownDifferences known = KnownDifferences.load();
    checkNames(files, known);
    Map<CaseFile, CompletableFuture<Map<String, Outcome>>> runs = new LinkedHashMap<>();
    for (CaseFile f : files) {
      List<Case> gated = f.cases().stream().filter(c -> RUN_KNOWN || known.reason(c.name()).isEmpty()).toList();
      runs.put(f, gated.isEmpty() ? CompletableFuture.completedFuture(Map.of())
          : CompletableFuture.supplyAsync(() -> runFile(f.group(), gated), FILES));
    }
    // Each case's source names it as a method, so reports list cases, not one method run many times.
    return files.stream().map(f -> dynamicContainer(f.group(), f.cases().stream().map(c -> dynamicTest(c.name(),
        URI.create("method:" + ConformanceIT.class.getName() + "#" + c.name()), () -> {
      if (!RUN_KNOWN && known.reason(c.name()).isPresent()) {
        Assumptions.abort("known difference: " + known.reason(c.name()).get());
      }
      Outcome o = await(runs.get(f)).get(c.name());
      o.check();
    }))));
  }

  /** One case's transcripts on both sides, or why the file could not run. */
  record Outcome(String name, Transcript etcd, Transcript candidate, Path where) {
    void check() {
      if (etcd.broken()) {
        fail("case " + name + " does not finish against etcd itself (a broken case), see " + where + "\n" + etcd.text());
      }
      if (!etcd.text().equals(candidate.text())) {
        assertEquals(etcd.text(), candidate.text(), "case " + name + " differs from etcd " + firstDifference()
            + "\n(transcripts in " + where + ")");
      }
    }

    private String firstDifference() {
      List<String> a = etcd.text().lines().toList();
      List<String> b = candidate.text().lines().toList();
      for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
        String x = i < a.size() ? a.get(i) : "(end)";
        String y = i < b.size() ? b.get(i) : "(end)";
        if (!x.equals(y)) {
          return "at line " + (i + 1) + ":\n  etcd: " + x + "\n  " + CANDIDATE.name().toLowerCase() + ": " + y;
        }
      }
      return "";
    }
  }

  /** Runs the file's cases against a fresh etcd and a fresh candidate at the same time. */
  private static Map<String, Outcome> runFile(String group, List<Case> cases) {
    Path dir = WORK.resolve(group);
    String candidateName = CANDIDATE == Kind.ETCD ? "etcd2" : "keel";
    try {
      deleteTree(dir);
      CompletableFuture<List<Transcript>> etcd = CompletableFuture.supplyAsync(() -> runOn(Kind.ETCD, dir.resolve("etcd"), cases), SIDES);
      List<Transcript> candidate = runOn(CANDIDATE, dir.resolve(candidateName), cases);
      List<Transcript> reference = etcd.join();
      Map<String, Outcome> outcomes = new LinkedHashMap<>();
      for (int i = 0; i < cases.size(); i++) {
        String name = cases.get(i).name();
        Files.writeString(dir.resolve(name + ".etcd.txt"), reference.get(i).text(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(name + "." + candidateName + ".txt"), candidate.get(i).text(), StandardCharsets.UTF_8);
        outcomes.put(name, new Outcome(name, reference.get(i), candidate.get(i), dir));
      }
      return outcomes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Transcript> runOn(Kind kind, Path dir, List<Case> cases) {
    try (Server server = Server.start(kind, dir, TARBALL)) {
      server.awaitReady(BOOT_TIMEOUT);
      Steps steps = new Steps(server);
      return cases.stream().map(steps::run).toList();
    }
  }

  private static Map<String, Outcome> await(CompletableFuture<Map<String, Outcome>> run) throws Throwable {
    try {
      return run.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof java.util.concurrent.CompletionException ce ? ce.getCause() : e.getCause();
    }
  }

  static List<CaseFile> caseFiles() {
    try {
      Path dir = Path.of(ConformanceIT.class.getResource("/cases").toURI());
      try (Stream<Path> list = Files.list(dir)) {
        List<CaseFile> files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cases")).sorted()
            .map(n -> CaseFile.load("/cases/" + n)).toList();
        if (files.isEmpty()) {
          throw new IllegalStateException("no case files in " + dir);
        }
        return files;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Case names are unique across files, and every known difference names a case. */
  static void checkNames(List<CaseFile> files, KnownDifferences known) {
    Set<String> names = new HashSet<>();
    files.forEach(f -> f.cases().forEach(c -> {
      if (!names.add(c.name())) {
        throw new IllegalStateException("case " + c.name() + " defined twice (second in " + f.group() + ")");
      }
    }));
    Set<String> unknown = new HashSet<>(known.reasons().keySet());
    unknown.removeAll(names);
    if (!unknown.isEmpty()) {
      throw new IllegalStateException(KnownDifferences.RESOURCE + " lists cases no case file defines: " + unknown);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
  }
}
