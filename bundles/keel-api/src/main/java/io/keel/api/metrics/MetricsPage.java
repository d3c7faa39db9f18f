package io.keel.api.metrics;

/**
 * The member's /metrics page in Prometheus' text format, as keel-http renders it from every
 * {@link MetricSource} (plus process_* and jvm_*). Registered by keel-http, so that the client port
 * serves the same page on its /metrics, as etcd does.
 */
public interface MetricsPage {
  /** Prometheus text format 0.0.4's content type. */
  String contentType();

  /** One scrape: every source asked now. */
  byte[] render();
}
