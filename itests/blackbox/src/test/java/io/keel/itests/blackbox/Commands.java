package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Local commands the black-box tests run on a member's processes (jcmd, ss), each bounded. */
final class Commands {
  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

  private Commands() {}

  /** Runs {@code cmd} (at most 60 s) and returns its output; fails the test if it fails. */
  static String run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
