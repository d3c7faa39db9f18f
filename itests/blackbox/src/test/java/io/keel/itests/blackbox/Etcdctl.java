package io.keel.itests.blackbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real etcdctl (API v3, /usr/bin/etcdctl or $ETCDCTL) against one endpoint, every run bounded. */
public final class Etcdctl {

  public static final String BINARY = System.getenv().getOrDefault("ETCDCTL", "/usr/bin/etcdctl");
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  /** What one run printed and returned. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return "exit=" + exitCode + " stdout=[" + stdout + "] stderr=[" + stderr + "]";
    }
  }

  private final String endpoint;

  public Etcdctl(String endpoint) {
    this.endpoint = endpoint;
  }

  public Result run(String... args) {
    return run(DEFAULT_TIMEOUT, null, args);
  }

  public Result runWithStdin(String stdin, String... args) {
    return run(DEFAULT_TIMEOUT, stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  /** Runs {@code etcdctl --endpoints=E args...}; kills it and throws if it outlives {@code timeout}. */
  public Result run(Duration timeout, byte[] stdin, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(BINARY);
    cmd.add("--endpoints=" + endpoint);
    cmd.add("--dial-timeout=3s");
    cmd.add("--command-timeout=" + Math.max(1, timeout.toSeconds() - 2) + "s");
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("ETCDCTL_"));
    pb.environment().put("ETCDCTL_API", "3");
    try {
      Process p = pb.start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread o = pump(p.getInputStream(), out);
      Thread e = pump(p.getErrorStream(), err);
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      } catch (IOException closedEarly) {
        // etcdctl may exit before reading all of stdin; its exit code tells
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError("etcdctl " + String.join(" ", args) + " did not finish within " + timeout);
      }
      o.join(5000);
      e.join(5000);
      return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8).trim(),
          err.toString(StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** True if {@code etcdctl endpoint health} says so (etcdctl 3.4 prints that line on stderr). */
  public boolean healthy() {
    Result r;
    try {
      r = run(Duration.ofSeconds(10), null, "endpoint", "health");
    } catch (AssertionError slow) {
      return false; // a loaded machine can stall etcdctl itself; the caller's deadline still bounds the wait
    }
    return r.ok() && (r.stdout() + r.stderr()).contains("is healthy");
  }

  private static Thread pump(InputStream from, ByteArrayOutputStream to) {
    Thread t = new Thread(() -> {
      try (InputStream in = from) {
        in.transferTo(to);
      } catch (IOException ignored) {
        // the process ended
      }
    }, "etcdctl-output");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
