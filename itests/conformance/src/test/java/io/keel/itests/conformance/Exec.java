package io.keel.itests.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs one client process (etcdctl or curl), every run bounded. Two shapes: {@link #run} waits for
 * the process to exit; {@link #stream} keeps its stdin open (etcdctl's interactive watch exits on
 * EOF) until it has printed a given number of stdout lines, then stops it: that is how a watch, which
 * never ends by itself, becomes a step with a fixed output.
 */
final class Exec {

  /** What one run printed and returned; {@code exitCode} is -1 when {@link #stream} stopped it. */
  record Result(int exitCode, String stdout, String stderr) {}

  private Exec() {}

  /** Runs {@code cmd} to completion; fails the step if it outlives {@code timeout}. */
  static Result run(List<String> cmd, Map<String, String> env, String stdin, Duration timeout) {
    Process p = start(cmd, env);
    Pumps pumps = new Pumps(p);
    writeStdin(p, stdin, true);
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeout
            + "\nstdout: " + pumps.out() + "\nstderr: " + pumps.err());
      }
      pumps.join();
      return new Result(p.exitValue(), pumps.out(), pumps.err());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * Starts {@code cmd}, writes {@code stdin} without closing it, and waits until {@code done} holds
   * for the complete lines of stdout so far, or the process exits; then stops it. Fails the step if
   * neither happens within {@code timeout}.
   */
  static Result stream(List<String> cmd, Map<String, String> env, String stdin, Predicate<String> done,
      Duration timeout) {
    Process p = start(cmd, env);
    Pumps pumps = new Pumps(p);
    writeStdin(p, stdin, false);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (p.isAlive() && !done.test(completeLines(pumps.out()))) {
        if (System.nanoTime() > deadline) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          throw new AssertionError(String.join(" ", cmd) + " did not print what ends it within "
              + timeout + "\nstdout: " + pumps.out() + "\nstderr: " + pumps.err());
        }
        Thread.sleep(20);
      }
      int exit = -1;
      if (p.isAlive()) {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } else {
        exit = p.exitValue();
      }
      pumps.join();
      return new Result(exit, pumps.out(), pumps.err());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static String completeLines(String out) {
    return out.substring(0, out.lastIndexOf('\n') + 1);
  }

  private static Process start(List<String> cmd, Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("ETCDCTL_") || k.startsWith("ETCD_"));
    pb.environment().putAll(env);
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + cmd, e);
    }
  }

  private static void writeStdin(Process p, String stdin, boolean close) {
    OutputStream in = p.getOutputStream();
    try {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
        in.flush();
      }
      if (close) {
        in.close();
      }
    } catch (IOException exitedEarly) {
      // the process may exit before reading all of stdin; its exit code and output tell
    }
  }

  /** Drains stdout and stderr on two daemon threads, so a chatty process never blocks. */
  private static final class Pumps {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outThread;
    private final Thread errThread;

    Pumps(Process p) {
      outThread = pump(p.getInputStream(), out);
      errThread = pump(p.getErrorStream(), err);
    }

    String out() {
      return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
      return err.toString(StandardCharsets.UTF_8);
    }

    void join() throws InterruptedException {
      outThread.join(5000);
      errThread.join(5000);
    }

    private static Thread pump(InputStream from, ByteArrayOutputStream to) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[8192];
        try (InputStream in = from) {
          for (int n; (n = in.read(buf)) > 0; ) {
            to.write(buf, 0, n);
          }
        } catch (IOException ended) {
          // the process ended
        }
      }, "conformance-output");
      t.setDaemon(true);
      t.start();
      return t;
    }
  }
}
