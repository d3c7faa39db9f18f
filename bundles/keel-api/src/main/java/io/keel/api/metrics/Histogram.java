package io.keel.api.metrics;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A distribution over fixed bucket bounds, as Prometheus' classic histograms: recording is a bucket
 * search over a dozen bounds and two adder increments, no lock and no allocation, so it can sit on
 * the request path. Read by {@link MetricSink#histogram} at scrape time.
 */
public final class Histogram {
  private final double[] upperBounds;
  private final LongAdder[] counts; // per bucket, not cumulative; the last is +Inf
  private final DoubleAdder sum = new DoubleAdder();

  private Histogram(double[] upperBounds) {
    this.upperBounds = upperBounds.clone();
    this.counts = new LongAdder[upperBounds.length + 1];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  /** {@code count} bounds: start, start*factor, ... (Prometheus' ExponentialBuckets, as etcd declares its histograms). */
  public static Histogram exponential(double start, double factor, int count) {
    if (start <= 0 || factor <= 1 || count < 1) {
      throw new IllegalArgumentException("exponential buckets need start > 0, factor > 1, count >= 1");
    }
    double[] bounds = new double[count];
    double b = start;
    for (int i = 0; i < count; i++) {
      bounds[i] = b;
      b *= factor;
    }
    return new Histogram(bounds);
  }

  public void observe(double value) {
    int i = 0;
    while (i < upperBounds.length && value > upperBounds[i]) {
      i++;
    }
    counts[i].increment();
    sum.add(value);
  }

  /** Records a duration measured with System.nanoTime(), in seconds. */
  public void observeNanos(long nanos) {
    observe(nanos / 1e9);
  }

  /** The finite upper bounds, ascending (the +Inf bucket follows them). */
  public double[] upperBounds() {
    return upperBounds.clone();
  }

  /** Observations per bucket (not cumulative), one more than {@link #upperBounds()}: the last is above every bound. */
  public long[] bucketCounts() {
    long[] out = new long[counts.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = counts[i].sum();
    }
    return out;
  }

  public double sum() {
    return sum.sum();
  }
}
