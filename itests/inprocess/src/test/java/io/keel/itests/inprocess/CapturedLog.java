package io.keel.itests.inprocess;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.slf4j.LoggerFactory;

/**
 * What the members in this JVM log while it is open, with Keel's loggers ({@code io.keel.*}) at
 * DEBUG meanwhile, through the two backends they log to here: slf4j-simple (which prints to
 * whatever {@link System#err} is when it writes, so a tee of it sees every SLF4J line, jraft's and
 * gRPC-Netty's included) and java.util.logging (gRPC's own logger and {@code System.Logger}; a
 * handler on the root logger). close() restores the levels and System.err.
 *
 * <p>slf4j-simple fixes a logger's level when the logger is created and has no API to change it,
 * so the levels of the loggers that exist are set through its fields (a test-only reach into
 * slf4j-simple 1.7's internals; a logger created while the capture is open keeps its level).
 */
final class CapturedLog implements AutoCloseable {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream originalErr = System.err;
  private final Map<Object, Integer> slf4jLevels = new HashMap<>();
  private final java.util.logging.Logger julKeel = java.util.logging.Logger.getLogger("io.keel");
  private final Level julKeelLevel = julKeel.getLevel();
  private final Handler julHandler = new Handler() {
    @Override
    public void publish(LogRecord r) {
      String thrown = r.getThrown() == null ? "" : " " + r.getThrown();
      append(r.getLevel() + " " + r.getLoggerName() + " " + new java.util.logging.SimpleFormatter().formatMessage(r)
          + thrown + "\n");
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };
  private final Field slf4jLevel;

  private CapturedLog() throws ReflectiveOperationException {
    Class<?> simpleLogger = Class.forName("org.slf4j.impl.SimpleLogger");
    slf4jLevel = simpleLogger.getDeclaredField("currentLogLevel");
    slf4jLevel.setAccessible(true);
    Field debugField = simpleLogger.getDeclaredField("LOG_LEVEL_DEBUG");
    debugField.setAccessible(true);
    int debug = debugField.getInt(null);
    Object factory = LoggerFactory.getILoggerFactory();
    Field map = factory.getClass().getDeclaredField("loggerMap");
    map.setAccessible(true);
    for (Map.Entry<?, ?> e : ((Map<?, ?>) map.get(factory)).entrySet()) {
      if (((String) e.getKey()).startsWith("io.keel") && simpleLogger.isInstance(e.getValue())) {
        slf4jLevels.put(e.getValue(), slf4jLevel.getInt(e.getValue()));
        slf4jLevel.setInt(e.getValue(), debug);
      }
    }
    julKeel.setLevel(Level.ALL);
    julHandler.setLevel(Level.ALL);
    java.util.logging.Logger.getLogger("").addHandler(julHandler);
    System.setErr(new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        originalErr.write(b);
        synchronized (bytes) {
          bytes.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) {
        originalErr.write(b, off, len);
        synchronized (bytes) {
          bytes.write(b, off, len);
        }
      }
    }, true, StandardCharsets.UTF_8));
  }

  static CapturedLog start() throws ReflectiveOperationException {
    return new CapturedLog();
  }

  private void append(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    synchronized (bytes) {
      bytes.write(b, 0, b.length);
    }
  }

  /** Everything captured so far. */
  String text() {
    System.err.flush();
    synchronized (bytes) {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() throws IllegalAccessException {
    System.setErr(originalErr);
    java.util.logging.Logger.getLogger("").removeHandler(julHandler);
    julKeel.setLevel(julKeelLevel);
    for (Map.Entry<Object, Integer> e : slf4jLevels.entrySet()) {
      slf4jLevel.setInt(e.getKey(), e.getValue());
    }
  }
}
