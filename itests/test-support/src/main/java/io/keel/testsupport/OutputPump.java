package io.keel.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies a child process's stdout or stderr on a daemon thread until the stream ends, so the child
 * never blocks on a full pipe. {@link #text} joins the thread (bounded) and returns what was read.
 */
public final class OutputPump {
  private final Thread thread;
  private final ByteArrayOutputStream captured;

  private OutputPump(InputStream from, ByteArrayOutputStream captured, String name) {
    this.captured = captured;
    this.thread = new Thread(() -> {
      try (InputStream in = from) {
        in.transferTo(captured);
      } catch (IOException ignored) {
        // the process ended or closed its end: what was read is kept
      }
    }, name);
    thread.setDaemon(true);
  }

  /** Pumps {@code from} into memory. */
  public static OutputPump capture(InputStream from, String name) {
    OutputPump pump = new OutputPump(from, new ByteArrayOutputStream(), name);
    pump.thread.start();
    return pump;
  }

  /** Waits at most {@code millis} for the stream to end; returns what was captured, as UTF-8. */
  public String text(long millis) throws InterruptedException {
    thread.join(millis);
    return captured.toString(StandardCharsets.UTF_8); // synchronized with the pump's writes
  }
}
