package io.keel.http.internal;

import io.keel.api.metrics.MetricSource;
import io.keel.api.metrics.MetricsPage;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The /metrics page: every registered {@link MetricSource} (Keel's etcd_* and grpc_* numbers) and
 * client_java's process_* and jvm_* collectors, written in Prometheus text format 0.0.4 by
 * client_java. Sources come and go with their bundles.
 */
public final class MetricsRenderer implements MetricsPage {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsRenderer.class);

  private final List<MetricSource> sources = new CopyOnWriteArrayList<>();
  private final PrometheusRegistry jvm = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  /**
   * The JVM collectors that only read MXBeans at scrape time (the allocation metrics, which install
   * GC listeners that would outlive this bundle, are left out).
   */
  public MetricsRenderer() {
    ProcessMetrics.builder().register(jvm);
    JvmThreadsMetrics.builder().register(jvm);
    JvmMemoryMetrics.builder().register(jvm);
    JvmGarbageCollectorMetrics.builder().register(jvm);
    JvmClassLoadingMetrics.builder().register(jvm);
    JvmBufferPoolMetrics.builder().register(jvm);
    JvmCompilationMetrics.builder().register(jvm);
    JvmRuntimeInfoMetric.builder().register(jvm);
  }

  public void add(MetricSource source) {
    sources.add(source);
  }

  public void remove(MetricSource source) {
    sources.remove(source);
  }

  @Override
  public String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }

  @Override
  public byte[] render() {
    SnapshotSink sink = new SnapshotSink();
    for (MetricSource source : sources) {
      try {
        source.collect(sink);
      } catch (RuntimeException e) {
        // one source failing (its member stopping, say) leaves the others' numbers on the page
        LOG.debug("metric source {} failed: {}", source, e.toString());
      }
    }
    List<MetricSnapshot> all = new ArrayList<>(sink.snapshots());
    Set<String> names = new HashSet<>();
    all.forEach(s -> names.add(s.getMetadata().getPrometheusName()));
    for (MetricSnapshot s : jvm.scrape()) {
      if (names.add(s.getMetadata().getPrometheusName())) {
        all.add(s);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      writer.write(out, new MetricSnapshots(all));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
