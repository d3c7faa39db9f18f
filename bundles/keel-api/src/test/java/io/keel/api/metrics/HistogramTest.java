package io.keel.api.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HistogramTest {
  @Test
  void observationsLandInTheFirstBucketThatHoldsThem() {
    Histogram h = Histogram.exponential(0.001, 2, 3); // 0.001, 0.002, 0.004, +Inf
    assertArrayEquals(new double[] {0.001, 0.002, 0.004}, h.upperBounds(), 1e-12);
    h.observe(0.001); // le="0.001" is inclusive, as Prometheus' buckets are
    h.observe(0.0015);
    h.observeNanos(3_000_000);
    h.observe(10);
    assertArrayEquals(new long[] {1, 1, 1, 1}, h.bucketCounts());
    assertEquals(10.0055, h.sum(), 1e-9);
  }

  @Test
  void badBucketsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Histogram.exponential(0, 2, 3));
    assertThrows(IllegalArgumentException.class, () -> Histogram.exponential(1, 1, 3));
    assertThrows(IllegalArgumentException.class, () -> Histogram.exponential(1, 2, 0));
  }
}
