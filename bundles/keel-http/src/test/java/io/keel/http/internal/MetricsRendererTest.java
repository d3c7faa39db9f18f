package io.keel.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.metrics.Histogram;
import io.keel.api.metrics.MetricSource;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MetricsRendererTest {
  @Test
  void sourcesAreWrittenInPrometheusTextFormatUnderEtcdsNames() {
    MetricsRenderer r = new MetricsRenderer();
    Histogram fsync = Histogram.exponential(0.001, 2, 2);
    fsync.observe(0.0015);
    fsync.observe(5);
    MetricSource source = s -> {
      s.counter("etcd_mvcc_put_total", "Total number of puts seen by this member.", 7);
      s.gauge("etcd_server_proposals_committed_total", "The total number of consensus proposals committed.", 42);
      s.gauge("etcd_server_id", "id", 1, "server_id", "abc");
      s.histogram("etcd_disk_wal_fsync_duration_seconds", "The latency distributions of fsync called by WAL.", fsync);
      s.counter("grpc_server_handled_total", "h", 3, "grpc_code", "OK", "grpc_method", "Put");
      s.counter("grpc_server_handled_total", "h", 1, "grpc_code", "Unavailable", "grpc_method", "Put");
      s.gauge("grpc_server_handled_total", "a second type for a name is dropped", 9);
    };
    r.add(source);
    String page = new String(r.render(), StandardCharsets.UTF_8);
    assertTrue(page.contains("# TYPE etcd_mvcc_put_total counter\netcd_mvcc_put_total 7"), page);
    assertTrue(page.contains("# HELP etcd_mvcc_put_total Total number of puts seen by this member.\n"), page);
    assertTrue(page.contains("# TYPE etcd_server_proposals_committed_total gauge\netcd_server_proposals_committed_total 42"),
        page);
    assertTrue(page.contains("etcd_server_id{server_id=\"abc\"} 1"), page);
    // cumulative buckets, as Prometheus wants them
    assertTrue(page.contains("etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.001\"} 0\n"
        + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.002\"} 1\n"
        + "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"+Inf\"} 2\n"
        + "etcd_disk_wal_fsync_duration_seconds_count 2\n"), page);
    assertTrue(page.contains("grpc_server_handled_total{grpc_code=\"Unavailable\",grpc_method=\"Put\"} 1"), page);
    assertFalse(page.contains("grpc_server_handled_total 9"), page);
    assertFalse(page.contains("TYPE grpc_server_handled gauge"), page);
    assertTrue(page.contains("\nprocess_cpu_seconds_total "), page);
    assertTrue(page.contains("\njvm_memory_used_bytes{area=\"heap\"} "), page);
    assertEquals("text/plain; version=0.0.4; charset=utf-8", r.contentType());

    r.remove(source);
    assertFalse(new String(r.render(), StandardCharsets.UTF_8).contains("etcd_mvcc_put_total"));
  }

  @Test
  void aFailingSourceLeavesTheOthersOnThePage() {
    MetricsRenderer r = new MetricsRenderer();
    r.add(s -> {
      throw new IllegalStateException("member stopping");
    });
    r.add(s -> s.gauge("etcd_server_has_leader", "h", 1));
    assertTrue(new String(r.render(), StandardCharsets.UTF_8).contains("etcd_server_has_leader 1"));
  }
}
