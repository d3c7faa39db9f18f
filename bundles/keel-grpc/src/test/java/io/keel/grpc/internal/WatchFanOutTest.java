package io.keel.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Watch fan-out at scale: 1,000 watchers on one prefix across 10 streams each see every event once
 * and in order; a stream whose client stops reading costs bounded memory and slows nobody else.
 */
class WatchFanOutTest {
  static final int STREAMS = 10;
  static final int PER_STREAM = 100;

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  /** Counts events per watcher and checks that each watcher's revisions are consecutive. */
  static final class Checker implements StreamObserver<WatchResponse> {
    final long[] next = new long[PER_STREAM];
    final AtomicReference<String> error = new AtomicReference<>();
    final CountDownLatch created = new CountDownLatch(PER_STREAM);
    CountDownLatch done;
    long total;

    @Override
    public synchronized void onNext(WatchResponse r) {
      if (r.getCreated()) {
        created.countDown();
        return;
      }
      int w = (int) r.getWatchId();
      for (Event e : r.getEventsList()) {
        if (next[w] != 0 && e.getKv().getModRevision() != next[w]) {
          error.compareAndSet(null, "watcher " + w + " expected " + next[w] + " got " + e.getKv().getModRevision());
        }
        next[w] = e.getKv().getModRevision() + 1;
        total++;
        if (done != null) {
          done.countDown();
        }
      }
    }

    public void onError(Throwable t) {
      error.compareAndSet(null, t.toString());
    }

    public void onCompleted() {}
  }

  @Test
  void thousandWatchersSeeEveryEventOnceInOrderAndAStalledClientIsBounded() throws Exception {
    try (KeelTestNode node = KeelTestNode.start()) {
      int puts = Integer.getInteger("keel.fanout.puts", 1000); // the 10,000: -Dkeel.fanout.puts=10000
      List<Checker> checkers = new ArrayList<>();
      List<StreamObserver<WatchRequest>> senders = new ArrayList<>();
      CountDownLatch all = new CountDownLatch(STREAMS * PER_STREAM * puts);
      for (int s = 0; s < STREAMS; s++) {
        Checker c = new Checker();
        c.done = all;
        StreamObserver<WatchRequest> out = WatchGrpc.newStub(node.channel()).watch(c);
        for (int w = 0; w < PER_STREAM; w++) {
          out.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder().setKey(bs("/fan/"))
              .setRangeEnd(bs("/fan0"))).build());
        }
        assertTrue(c.created.await(30, TimeUnit.SECONDS));
        checkers.add(c);
        senders.add(out);
      }

      // one more stream whose client never reads: it asks gRPC for no messages at all
      ClientCall<WatchRequest, WatchResponse> stalled = node.channel().newCall(WatchGrpc.getWatchMethod(),
          CallOptions.DEFAULT);
      stalled.start(new ClientCall.Listener<>() {}, new Metadata());
      for (int w = 0; w < PER_STREAM; w++) {
        stalled.sendMessage(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
            .setKey(bs("/fan/")).setRangeEnd(bs("/fan0"))).build());
      }
      Thread.sleep(500);
      System.gc();
      long heapBefore = usedHeap();

      ByteString value = ByteString.copyFrom(new byte[1024]);
      for (int i = 0; i < puts; i++) {
        node.kv().put(PutRequest.newBuilder().setKey(bs("/fan/" + (i % 50))).setValue(value).build());
      }
      assertTrue(all.await(Math.max(120, puts / 10), TimeUnit.SECONDS), "every watcher on a reading stream got every event");
      for (Checker c : checkers) {
        assertEquals(null, c.error.get());
        assertEquals((long) PER_STREAM * puts, c.total, "exactly once");
      }
      System.gc();
      long growth = usedHeap() - heapBefore;
      // buffering everything for the stalled stream would take 100 watchers x 1000 events x ~1 KB = ~100 MB
      assertTrue(growth < 40L * 1024 * 1024, "heap grew by " + (growth >> 20) + " MB with a stalled stream");
      stalled.cancel("done", null);
      for (StreamObserver<WatchRequest> out : senders) {
        out.onCompleted();
      }
    }
  }

  static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
