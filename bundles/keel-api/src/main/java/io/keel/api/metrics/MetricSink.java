package io.keel.api.metrics;

/**
 * Where a {@link MetricSource} reports. Names are full Prometheus names as etcd spells them (a
 * counter's ends in {@code _total}); {@code labels} are name/value pairs. One name is reported by
 * one source with one help text and type; each label set once.
 */
public interface MetricSink {
  /** A value that only goes up (resets when the process restarts). */
  void counter(String name, String help, double value, String... labels);

  /** A value that goes up and down. */
  void gauge(String name, String help, double value, String... labels);

  /** A distribution, as recorded by {@code histogram} (seconds, bytes ...). */
  void histogram(String name, String help, Histogram histogram, String... labels);
}
