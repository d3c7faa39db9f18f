package io.keel.bench;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What one run measured: latencies of successful requests in microseconds (HdrHistogram, three
 * significant digits, 1 µs to 1 h), the count of successes, and failures counted by error text.
 *
 * <p>Thread-safety: written concurrently from grpc's event loops (each write is wait-free or a
 * striped counter); read by the progress line at any time and by the summary after the run.
 */
final class Stats {

  private static final long HIGHEST_MICROS = 3_600_000_000L;

  private final ConcurrentHistogram micros = new ConcurrentHistogram(1, HIGHEST_MICROS, 3);
  private final LongAdder ok = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

  void success(long nanos) {
    micros.recordValue(Math.max(1, Math.min(HIGHEST_MICROS, nanos / 1_000)));
    ok.increment();
  }

  void failure(Throwable t) {
    failed.increment();
    errors.computeIfAbsent(describe(t), k -> new LongAdder()).increment();
  }

  /** A failure that is not an exception (e.g. an event that never came). */
  void failure(String what) {
    failed.increment();
    errors.computeIfAbsent(what, k -> new LongAdder()).increment();
  }

  long ok() {
    return ok.sum();
  }

  long failed() {
    return failed.sum();
  }

  long completed() {
    return ok.sum() + failed.sum();
  }

  Histogram histogram() {
    return micros.copy();
  }

  /** Error text to count, sorted by text. */
  Map<String, Long> errors() {
    Map<String, Long> m = new TreeMap<>();
    errors.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  /** Like etcd's client errors: "rpc error: code = Unavailable desc = ...". */
  static String describe(Throwable t) {
    if (t instanceof StatusRuntimeException s) {
      Status st = s.getStatus();
      String desc = st.getDescription() == null ? "" : st.getDescription();
      return "rpc error: code = " + camel(st.getCode()) + " desc = " + desc;
    }
    return t.toString();
  }

  private static String camel(Status.Code code) {
    StringBuilder b = new StringBuilder();
    for (String part : code.name().split("_")) {
      b.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return b.toString();
  }
}
