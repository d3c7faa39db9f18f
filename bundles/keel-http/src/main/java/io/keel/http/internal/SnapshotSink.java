package io.keel.http.internal;

import io.keel.api.metrics.Histogram;
import io.keel.api.metrics.MetricSink;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects what the {@link io.keel.api.metrics.MetricSource}s report during one scrape into client_java's
 * snapshot model, one family per name. A name reported again with another type is dropped (and
 * counted in {@link #conflicts}) rather than failing the whole scrape.
 */
final class SnapshotSink implements MetricSink {
  private enum Kind { COUNTER, GAUGE, HISTOGRAM }

  /** @param name the snapshot's name (a counter's without _total) */
  private record Family(String name, Kind kind, String help, List<Object> points) {}

  private final Map<String, Family> families = new LinkedHashMap<>();
  private int conflicts;

  @Override
  public void counter(String name, String help, double value, String... labels) {
    // client_java names a counter without its _total and writes the suffix itself
    add(name, Kind.COUNTER, help, CounterDataPointSnapshot.builder().value(value).labels(labels(labels)).build());
  }

  @Override
  public void gauge(String name, String help, double value, String... labels) {
    add(name, Kind.GAUGE, help, GaugeDataPointSnapshot.builder().value(value).labels(labels(labels)).build());
  }

  @Override
  public void histogram(String name, String help, Histogram h, String... labels) {
    double[] finite = h.upperBounds();
    double[] bounds = java.util.Arrays.copyOf(finite, finite.length + 1);
    bounds[finite.length] = Double.POSITIVE_INFINITY;
    long[] counts = h.bucketCounts();
    add(name, Kind.HISTOGRAM, help, HistogramDataPointSnapshot.builder()
        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
        .sum(h.sum()).labels(labels(labels)).build());
  }

  private static Labels labels(String[] pairs) {
    if (pairs.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name/value pairs");
    }
    Labels.Builder b = Labels.builder();
    for (int i = 0; i < pairs.length; i += 2) {
      b.label(pairs[i], pairs[i + 1]);
    }
    return b.build();
  }

  private void add(String name, Kind kind, String help, Object point) {
    // keyed by the name as exposed, so a gauge cannot slip in under a counter's name
    String base = kind == Kind.COUNTER && name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
    Family f = families.computeIfAbsent(name, n -> new Family(base, kind, help, new ArrayList<>()));
    if (f.kind() != kind) {
      conflicts++;
      return;
    }
    f.points().add(point);
  }

  int conflicts() {
    return conflicts;
  }

  List<MetricSnapshot> snapshots() {
    List<MetricSnapshot> out = new ArrayList<>();
    families.forEach((exposed, f) -> {
      String name = f.name();
      switch (f.kind()) {
        case COUNTER -> {
          CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(f.help());
          f.points().forEach(p -> b.dataPoint((CounterDataPointSnapshot) p));
          out.add(b.build());
        }
        case GAUGE -> {
          GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(f.help());
          f.points().forEach(p -> b.dataPoint((GaugeDataPointSnapshot) p));
          out.add(b.build());
        }
        default -> {
          HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(name).help(f.help());
          f.points().forEach(p -> b.dataPoint((HistogramDataPointSnapshot) p));
          out.add(b.build());
        }
      }
    });
    return out;
  }
}
