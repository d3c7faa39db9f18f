package io.keel.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.keel.api.ResponseHeader;
import io.keel.api.Watchable;
import io.keel.api.watch.Watch;
import io.keel.api.watch.WatchSink;
import io.keel.api.watch.WatchSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** WatchStream against a fake server whose revision moves on while a watch is being created. */
class WatchStreamTest {

  /** A server whose store is at {@link #revision}; a write lands the moment a watch registers. */
  static final class MovingServer implements Watchable {
    long revision = 7;
    final List<WatchSpec> specs = new ArrayList<>();

    @Override
    public Watch watch(WatchSpec spec, WatchSink sink) {
      specs.add(spec);
      revision++; // another client's write, applied between the created answer and this registration
      return new Watch() {
        @Override
        public void cancel() {
        }

        @Override
        public boolean isSynced() {
          return true;
        }
      };
    }

    @Override
    public ResponseHeader header(long rev) {
      return new ResponseHeader(1, 2, rev, 3);
    }

    @Override
    public long currentRevision() {
      return revision;
    }
  }

  /** Collects what the stream sends; always ready. */
  static final class Responses extends ServerCallStreamObserver<WatchResponse> {
    final List<WatchResponse> sent = new ArrayList<>();

    @Override
    public void onNext(WatchResponse r) {
      sent.add(r);
    }

    @Override
    public void onError(Throwable t) {
    }

    @Override
    public void onCompleted() {
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setOnReadyHandler(Runnable r) {
    }

    @Override
    public void disableAutoInboundFlowControl() {
    }

    @Override
    public void request(int n) {
    }

    @Override
    public void setMessageCompression(boolean enable) {
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public void setOnCancelHandler(Runnable r) {
    }

    @Override
    public void setCompression(String compression) {
    }
  }

  private static WatchRequest create(long startRevision) {
    return WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8("k")).setStartRevision(startRevision)).build();
  }

  @Test
  void aWatchFromNowStartsRightAfterTheRevisionItsCreatedAnswerReports() {
    MovingServer server = new MovingServer();
    Responses out = new Responses();
    WatchStream stream = new WatchStream(server, out, 1 << 20, () -> { });
    stream.onNext(create(0));
    WatchResponse created = out.sent.get(0);
    assertTrue(created.getCreated());
    assertEquals(7, created.getHeader().getRevision());
    assertEquals(8, server.specs.get(0).startRevision(), "the write at 8 must reach the watcher");

    stream.onNext(create(3)); // an explicit start revision is kept
    assertEquals(3, server.specs.get(1).startRevision());
  }
}
