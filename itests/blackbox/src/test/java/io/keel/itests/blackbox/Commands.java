package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Local commands the black-box tests run on a member's processes (jcmd, ss), each bounded. */
final class Commands {
  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

  private Commands() {}

  /** Runs {@code cmd} (at most 60 s) and returns its output; fails the test if it fails. */
  static String run(String... cmd) {
    return run(Duration.ofSeconds(60), cmd);
  }

  /** Runs {@code cmd} for at most {@code limit} (then it is killed) and returns its output; fails the test if it fails. */
  static String run(Duration limit, String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      // read while it runs: a full pipe would stall it, and reading first would wait past the limit
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
        try {
          return new String(p.getInputStream().readAllBytes());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + ": no end within " + limit);
      }
      String text = out.get(10, TimeUnit.SECONDS);
      if (p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + text);
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError(String.join(" ", cmd) + ": its output could not be read", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The heap the JVM {@code pid} uses now (jcmd GC.heap_info), in KiB: after a collection, what is live. */
  static long heapUsedKib(long pid) {
    Matcher heap = HEAP_USED.matcher(run("jcmd", Long.toString(pid), "GC.heap_info"));
    assertTrue(heap.find(), "GC.heap_info of " + pid);
    return Long.parseLong(heap.group(1));
  }
}
