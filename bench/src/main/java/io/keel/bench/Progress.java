package io.keel.bench;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The progress line on stderr during a long run: on a terminal, one line rewritten every second;
 * otherwise (a log file) a new line every five seconds. Nothing is printed for runs shorter than
 * one period.
 */
final class Progress implements AutoCloseable {

  private final String name;
  private final long total;
  private final Stats stats;
  private final PrintWriter err;
  private final boolean terminal;
  private final long startNanos = System.nanoTime();
  private final ScheduledFuture<?> task;
  private volatile boolean printed;

  private Progress(String name, long total, Stats stats, PrintWriter err, boolean enabled, ScheduledExecutorService timer) {
    this.name = name;
    this.total = total;
    this.stats = stats;
    this.err = err;
    this.terminal = System.console() != null;
    long period = terminal ? 1 : 5;
    this.task = enabled ? timer.scheduleAtFixedRate(this::print, period, period, TimeUnit.SECONDS) : null;
  }

  static Progress start(String name, long total, Stats stats, PrintWriter err, boolean enabled,
      ScheduledExecutorService timer) {
    return new Progress(name, total, stats, err, enabled, timer);
  }

  private void print() {
    long done = stats.completed();
    double secs = (System.nanoTime() - startNanos) / 1e9;
    String line = String.format(Locale.ROOT, "%s: %d / %d (%.1f%%) %.0f req/s, %d errors, %.0fs",
        name, done, total, total == 0 ? 100.0 : done * 100.0 / total, done / secs, stats.failed(), secs);
    if (terminal) {
      err.print("\r" + line);
    } else {
      err.println(line);
    }
    err.flush();
    printed = true;
  }

  @Override
  public void close() {
    if (task != null) {
      task.cancel(false);
    }
    if (terminal && printed) {
      err.println();
      err.flush();
    }
  }
}
