package io.keel.testsupport.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A seeded mutation fuzzer, small and dependency-free: it replays a corpus (valid inputs made by the
 * test, plus the saved findings of earlier runs, which thereby become regression cases), then mutates
 * corpus entries (bit flips, byte changes, inserts, deletes, truncation, duplication, splices with
 * another entry, random bytes) for as long as the run's budget allows. Each input runs on its own
 * thread with a time limit: an exception the target does not declare acceptable is a crash, no
 * answer in time is a hang; each finding is written to {@code findingsDir} by its hash.
 *
 * <p>The budget is {@link #budget(Duration)}: what the test asks for in CI, or the JVM property
 * {@value #SECONDS_PROPERTY} seconds per target for a long run (e.g. 600 for ten minutes).
 */
public final class Fuzzer {
  public static final String SECONDS_PROPERTY = "keel.fuzz.seconds";
  public static final String SEED_PROPERTY = "keel.fuzz.seed";

  /** The code under test: parses or serves one input. */
  @FunctionalInterface
  public interface Target {
    void accept(byte[] input) throws Exception;
  }

  /** One input that crashed or hung the target. */
  public record Finding(String kind, String detail, Path saved) {}

  /** What a run did. */
  public record Report(String target, long seed, long inputs, List<Finding> findings) {
    @Override
    public String toString() {
      StringBuilder s = new StringBuilder(target + ": " + inputs + " inputs, seed " + seed + ", "
          + findings.size() + " findings");
      findings.forEach(f -> s.append("\n  ").append(f.kind()).append(": ").append(f.detail()).append(" -> ")
          .append(f.saved()));
      return s.toString();
    }
  }

  private final String name;
  private final Target target;
  private final Predicate<Throwable> acceptable;
  private final Duration perInput;
  private final Path findingsDir;

  /**
   * @param acceptable which failures are the target's clean refusals (e.g. its IOException)
   * @param perInput how long one input may take before it counts as a hang
   */
  public Fuzzer(String name, Target target, Predicate<Throwable> acceptable, Duration perInput, Path findingsDir) {
    this.name = name;
    this.target = target;
    this.acceptable = acceptable;
    this.perInput = perInput;
    this.findingsDir = findingsDir;
  }

  /** {@code inCi}, or the seconds the JVM property asks for. */
  public static Duration budget(Duration inCi) {
    String s = System.getProperty(SECONDS_PROPERTY);
    return s == null || s.isBlank() ? inCi : Duration.ofSeconds(Long.parseLong(s.trim()));
  }

  /** The saved inputs in {@code dir} (files in name order), none if it does not exist. */
  public static List<byte[]> saved(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var files = Files.list(dir)) {
      List<byte[]> inputs = new ArrayList<>();
      for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
        inputs.add(Files.readAllBytes(p));
      }
      return inputs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replays {@code corpus}, then mutates it until {@code budget} has passed. */
  public Report run(List<byte[]> corpus, Duration budget) {
    long seed = Long.getLong(SEED_PROPERTY, System.nanoTime());
    Random random = new Random(seed);
    List<byte[]> pool = new ArrayList<>(corpus);
    if (pool.isEmpty()) {
      pool.add(new byte[0]);
    }
    List<Finding> findings = new ArrayList<>();
    ExecutorService runner = newRunner();
    long inputs = 0;
    try {
      for (byte[] input : corpus) {
        runner = once(runner, input, findings);
        inputs++;
      }
      long deadline = System.nanoTime() + budget.toNanos();
      while (System.nanoTime() < deadline && findings.size() < 20) {
        byte[] input = Mutations.mutate(pool.get(random.nextInt(pool.size())), pool, random);
        runner = once(runner, input, findings);
        inputs++;
      }
    } finally {
      runner.shutdownNow();
    }
    return new Report(name, seed, inputs, List.copyOf(findings));
  }

  /** Runs one input; returns the runner to use next (a new one if this input hung the old one). */
  private ExecutorService once(ExecutorService runner, byte[] input, List<Finding> findings) {
    Future<?> f = runner.submit(() -> {
      target.accept(input);
      return null;
    });
    try {
      f.get(perInput.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (!acceptable.test(cause)) {
        findings.add(new Finding("crash", cause.toString(), save(input)));
      }
    } catch (TimeoutException e) {
      findings.add(new Finding("hang", "no answer within " + perInput, save(input)));
      f.cancel(true);
      runner.shutdownNow();
      return newRunner();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return runner;
  }

  private ExecutorService newRunner() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  private Path save(byte[] input) {
    try {
      Files.createDirectories(findingsDir);
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input)).substring(0, 16);
      Path p = findingsDir.resolve(name + "-" + hash + ".bin");
      Files.write(p, input);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
