package io.keel.grpc.internal;

import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.keel.api.Watchable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * etcdserverpb.Watch: one {@link WatchStream} per RPC, and one timer that answers pending progress
 * requests and sends progress notifications every {@code progressNotifyIntervalMs} (etcd: 10 min).
 */
final class WatchService extends WatchGrpc.WatchImplBase {
  static final long TICK_MS = 50;

  private final Watchable server;
  private final int maxRequestBytes;
  private final long progressNotifyIntervalMs;
  private final Set<WatchStream> streams = ConcurrentHashMap.newKeySet();
  private long sinceNotifyMs;

  private final io.keel.api.Auth auth;

  WatchService(Watchable server, io.keel.api.Auth auth, int maxRequestBytes, long progressNotifyIntervalMs) {
    this.auth = auth;
    this.server = server;
    this.maxRequestBytes = maxRequestBytes;
    this.progressNotifyIntervalMs = progressNotifyIntervalMs;
  }

  void start(ScheduledExecutorService timer) {
    timer.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    sinceNotifyMs += TICK_MS;
    boolean notify = sinceNotifyMs >= progressNotifyIntervalMs;
    if (notify) {
      sinceNotifyMs = 0;
    }
    for (WatchStream s : streams) {
      s.tick(notify);
    }
  }

  /**
   * Keel's watch queue depth: the responses (and their bytes) waiting in the open watch streams for
   * clients that read slower than events come, and how many streams are open; read at scrape time.
   */
  void collect(io.keel.api.metrics.MetricSink s) {
    long responses = 0;
    long bytes = 0;
    int open = 0;
    for (WatchStream stream : streams) {
      responses += stream.queuedResponses();
      bytes += stream.queuedBytes();
      open++;
    }
    s.gauge("keel_watch_streams", "Open gRPC watch streams on this member.", open);
    s.gauge("keel_watch_queued_responses",
        "Watch responses queued in this member's watch streams, waiting for slow clients to read.", responses);
    s.gauge("keel_watch_queued_bytes", "Bytes of the watch responses queued in this member's watch streams.", bytes);
  }

  @Override
  public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
    WatchStream[] self = new WatchStream[1];
    WatchStream stream = new WatchStream(server, auth, (ServerCallStreamObserver<WatchResponse>) responses, maxRequestBytes,
        () -> streams.remove(self[0]));
    self[0] = stream;
    streams.add(stream);
    return stream;
  }
}
