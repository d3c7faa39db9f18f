/**
 * Keel's recording seam for metrics, free of any metrics library: a bundle keeps its own numbers
 * (LongAdders, {@link io.keel.api.metrics.Histogram}) on its hot paths and registers a
 * {@link io.keel.api.metrics.MetricSource} service that reports them, under etcd's metric names,
 * when keel-http's /metrics is scraped.
 */
package io.keel.api.metrics;
