package io.keel.api.metrics;

/**
 * Reports a bundle's metrics at scrape time. Registered as an OSGi service by the bundle that owns
 * the numbers; keel-http asks every registered source on each scrape. {@link #collect} runs on a
 * scrape thread: it reads counters and gauges, it must not block on the request path's locks.
 */
@FunctionalInterface
public interface MetricSource {
  void collect(MetricSink sink);
}
