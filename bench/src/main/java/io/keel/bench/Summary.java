package io.keel.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The result of one run, printed the way etcd's benchmark prints it (times in seconds, four
 * decimals) followed by one JSON line for scripts, whose first key is {@code "bench"}:
 *
 * <pre>
 * {"server":"keel","bench":"put","conns":1,"clients":1,...,"ok":2000,"errors":0,"secs":1.93,
 *  "rps":1036.2,"avg_ms":0.96,"stddev_ms":0.2,"min_ms":0.5,"p50_ms":0.9,"p90_ms":1.2,"p99_ms":2.1,
 *  "p999_ms":4.3,"max_ms":5.0,"complete":true}
 * </pre>
 *
 * {@code --tag} pairs come first, then the run's parameters, then the measurements.
 */
final class Summary {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double[] PERCENTILES = {10, 25, 50, 75, 90, 95, 99, 99.9};

  private final String bench;
  private final Map<String, Object> params;
  private final Histogram micros;
  private final long ok;
  private final long failed;
  private final Map<String, Long> errors;
  private final long elapsedNanos;
  private final boolean complete;
  private final Map<String, String> tags;

  Summary(Map<String, String> tags, String bench, Map<String, Object> params, Stats stats, long elapsedNanos,
      boolean complete) {
    this.tags = tags;
    this.bench = bench;
    this.params = params;
    this.micros = stats.histogram();
    this.ok = stats.ok();
    this.failed = stats.failed();
    this.errors = stats.errors();
    this.elapsedNanos = elapsedNanos;
    this.complete = complete;
  }

  double seconds() {
    return elapsedNanos / 1e9;
  }

  double requestsPerSecond() {
    return elapsedNanos == 0 ? 0 : ok / seconds();
  }

  void print(PrintWriter out) {
    out.println();
    out.println("Summary:");
    out.printf(Locale.ROOT, "  Total:\t%.4f secs.%n", seconds());
    if (ok > 0) {
      out.printf(Locale.ROOT, "  Slowest:\t%.4f secs.%n", secs(micros.getMaxValue()));
      out.printf(Locale.ROOT, "  Fastest:\t%.4f secs.%n", secs(micros.getMinValue()));
      out.printf(Locale.ROOT, "  Average:\t%.4f secs.%n", micros.getMean() / 1e6);
      out.printf(Locale.ROOT, "  Stddev:\t%.4f secs.%n", micros.getStdDeviation() / 1e6);
    }
    out.printf(Locale.ROOT, "  Requests/sec:\t%.4f%n", requestsPerSecond());
    if (ok > 0) {
      printHistogram(out);
      out.println();
      out.println("Latency distribution:");
      for (double p : PERCENTILES) {
        out.printf(Locale.ROOT, "  %s%% in %.4f secs.%n", p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p),
            secs(micros.getValueAtPercentile(p)));
      }
    }
    if (!errors.isEmpty()) {
      out.println();
      out.println("Error distribution:");
      errors.forEach((text, n) -> out.printf(Locale.ROOT, "  [%d]\t%s%n", n, text));
    }
    if (!complete) {
      out.println();
      out.println("INCOMPLETE: the run hit --max-time; the numbers cover what finished.");
    }
    out.println();
    out.println(json());
    out.flush();
  }

  /** etcd's ten-bucket response time histogram, from fastest to slowest. */
  private void printHistogram(PrintWriter out) {
    long min = micros.getMinValue();
    long max = micros.getMaxValue();
    int buckets = 10;
    long[] counts = new long[buckets + 1];
    double width = (max - min) / (double) buckets;
    for (HistogramIterationValue v : micros.recordedValues()) {
      long value = micros.highestEquivalentValue(v.getValueIteratedTo());
      int b = width == 0 ? 0 : (int) Math.min(buckets, Math.max(0, (value - min) / width));
      counts[b] += v.getCountAddedInThisIterationStep();
    }
    long most = 0;
    for (long c : counts) {
      most = Math.max(most, c);
    }
    out.println();
    out.println("Response time histogram:");
    for (int b = 0; b <= buckets; b++) {
      int bar = most == 0 ? 0 : (int) (counts[b] * 40 / most);
      out.printf(Locale.ROOT, "  %.4f [%d]\t|%s%n", secs((long) (min + b * width)), counts[b], "∎".repeat(bar));
    }
  }

  private static double secs(long micros) {
    return micros / 1e6;
  }

  private static double ms(double micros) {
    return Math.round(micros) / 1000.0;
  }

  Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>(tags);
    m.put("bench", bench);
    m.putAll(params);
    m.put("ok", ok);
    m.put("errors", failed);
    m.put("secs", Math.round(seconds() * 1e4) / 1e4);
    m.put("rps", Math.round(requestsPerSecond() * 10) / 10.0);
    if (ok > 0) {
      m.put("avg_ms", ms(micros.getMean()));
      m.put("stddev_ms", ms(micros.getStdDeviation()));
      m.put("min_ms", ms(micros.getMinValue()));
      m.put("p50_ms", ms(micros.getValueAtPercentile(50)));
      m.put("p90_ms", ms(micros.getValueAtPercentile(90)));
      m.put("p99_ms", ms(micros.getValueAtPercentile(99)));
      m.put("p999_ms", ms(micros.getValueAtPercentile(99.9)));
      m.put("max_ms", ms(micros.getMaxValue()));
    }
    if (!errors.isEmpty()) {
      m.put("error_kinds", errors);
    }
    m.put("complete", complete);
    return m;
  }

  String json() {
    try {
      return JSON.writeValueAsString(fields());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  void append(Path file) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, json() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
