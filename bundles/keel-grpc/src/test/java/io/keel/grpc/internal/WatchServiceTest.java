package io.keel.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** etcd's Watch API over real gRPC against one in-process member. */
class WatchServiceTest {
  static KeelTestNode node;
  static KVGrpc.KVBlockingStub kv;

  @BeforeAll
  static void start() throws Exception {
    node = KeelTestNode.start();
    kv = node.kv();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static long put(String k, String v) {
    return kv.put(PutRequest.newBuilder().setKey(bs(k)).setValue(bs(v)).build()).getHeader().getRevision();
  }

  /** A client stream that queues every response. */
  static final class Client implements StreamObserver<WatchResponse> {
    final LinkedBlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
    final StreamObserver<WatchRequest> requests;

    Client() {
      requests = WatchGrpc.newStub(node.channel()).watch(this);
    }

    WatchResponse next() throws InterruptedException {
      WatchResponse r = responses.poll(10, TimeUnit.SECONDS);
      if (r == null) {
        throw new AssertionError("no watch response within 10 s");
      }
      return r;
    }

    WatchResponse create(WatchCreateRequest.Builder c) throws InterruptedException {
      requests.onNext(WatchRequest.newBuilder().setCreateRequest(c).build());
      WatchResponse created = next();
      assertTrue(created.getCreated(), created.toString());
      return created;
    }

    /** Events until {@code n} have arrived, across responses. */
    List<Event> events(int n) throws InterruptedException {
      List<Event> out = new ArrayList<>();
      while (out.size() < n) {
        out.addAll(next().getEventsList());
      }
      return out;
    }

    public void onNext(WatchResponse r) {
      responses.add(r);
    }

    public void onError(Throwable t) {}

    public void onCompleted() {}
  }

  static WatchCreateRequest.Builder prefix(String p) {
    return WatchCreateRequest.newBuilder().setKey(bs(p)).setRangeEnd(bs(p.substring(0, p.length() - 1)
        + (char) (p.charAt(p.length() - 1) + 1)));
  }

  @Test
  void liveEventsWithPrevKvAndCancel() throws Exception {
    Client c = new Client();
    long id = c.create(prefix("/w1/").setPrevKv(true)).getWatchId();
    long r1 = put("/w1/a", "1");
    put("/w1/a", "2");
    List<Event> events = c.events(2);
    assertEquals(r1, events.get(0).getKv().getModRevision());
    assertEquals("1", events.get(1).getPrevKv().getValue().toStringUtf8());
    c.requests.onNext(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(id)).build());
    WatchResponse canceled = c.next();
    assertTrue(canceled.getCanceled());
    assertEquals(id, canceled.getWatchId());
    c.requests.onCompleted();
  }

  @Test
  void historyFromAStartRevisionThenLive() throws Exception {
    long first = put("/w2/a", "1");
    put("/w2/b", "2");
    Client c = new Client();
    c.create(prefix("/w2/").setStartRevision(first));
    put("/w2/c", "3");
    List<Event> events = c.events(3);
    assertEquals(List.of("/w2/a", "/w2/b", "/w2/c"),
        events.stream().map(e -> e.getKv().getKey().toStringUtf8()).toList());
    c.requests.onCompleted();
  }

  @Test
  void clientChosenIdsDuplicatesAndEmptyRanges() throws Exception {
    Client c = new Client();
    assertEquals(7, c.create(WatchCreateRequest.newBuilder().setKey(bs("x")).setWatchId(7)).getWatchId());
    WatchResponse dup = c.create(WatchCreateRequest.newBuilder().setKey(bs("y")).setWatchId(7));
    assertTrue(dup.getCanceled());
    assertEquals(WatchStream.DUPLICATE_ID, dup.getCancelReason());
    WatchResponse empty = c.create(WatchCreateRequest.newBuilder().setKey(bs("b")).setRangeEnd(bs("a")));
    assertTrue(empty.getCanceled());
    assertEquals(WatchStream.EMPTY_RANGE, empty.getCancelReason());
    c.requests.onCompleted();
  }

  /** A create refused by auth carries the text of etcd's gRPC error, as etcd 3.4.23 answers it. */
  @Test
  void authRefusalReasonsAreTheTextOfEtcdsGrpcErrors() {
    assertEquals("rpc error: code = PermissionDenied desc = etcdserver: permission denied",
        WatchStream.goStatusText(io.keel.api.EtcdError.PERMISSION_DENIED_ERR));
    assertEquals("rpc error: code = Unauthenticated desc = etcdserver: invalid auth token",
        WatchStream.goStatusText(io.keel.api.EtcdError.INVALID_AUTH_TOKEN));
    assertEquals("rpc error: code = InvalidArgument desc = etcdserver: user name is empty",
        WatchStream.goStatusText(io.keel.api.EtcdError.USER_EMPTY));
    assertEquals("rpc error: code = InvalidArgument desc = etcdserver: revision of auth store is old",
        WatchStream.goStatusText(io.keel.api.EtcdError.AUTH_OLD_REVISION));
  }

  @Test
  void compactedStartRevisionCancelsWithCompactRevision() throws Exception {
    long first = put("/w3/k", "1");
    put("/w3/k", "2");
    long last = put("/w3/k", "3");
    kv.compact(CompactionRequest.newBuilder().setRevision(last).build());
    Client c = new Client();
    c.create(prefix("/w3/").setStartRevision(first));
    WatchResponse canceled = c.next();
    assertTrue(canceled.getCanceled());
    assertEquals(last, canceled.getCompactRevision());
    assertEquals("", canceled.getCancelReason(), "etcd 3.4 sends no cancel_reason for compaction");
    c.requests.onCompleted();
  }

  @Test
  void progressRequestIsAnsweredWithWatchIdMinusOne() throws Exception {
    Client c = new Client();
    c.create(prefix("/w4/"));
    long rev = put("/other/k", "v");
    c.requests.onNext(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
    WatchResponse progress = c.next();
    assertEquals(-1, progress.getWatchId());
    assertTrue(progress.getHeader().getRevision() >= rev);
    c.requests.onCompleted();
  }

  @Test
  void manyWatchersOnManyStreamsSeeEveryEventOnceInOrder() throws Exception {
    int streams = 5;
    int perStream = 20;
    int puts = 300;
    List<Client> clients = new ArrayList<>();
    for (int s = 0; s < streams; s++) {
      Client c = new Client();
      for (int w = 0; w < perStream; w++) {
        c.create(prefix("/fan/"));
      }
      clients.add(c);
    }
    long first = -1;
    for (int i = 0; i < puts; i++) {
      long rev = put("/fan/" + (i % 10), "v" + i);
      if (first < 0) {
        first = rev;
      }
    }
    for (Client c : clients) {
      long[] expectedNext = new long[perStream];
      java.util.Arrays.fill(expectedNext, first);
      int seen = 0;
      while (seen < perStream * puts) {
        WatchResponse r = c.next();
        for (Event e : r.getEventsList()) {
          int w = (int) r.getWatchId();
          assertEquals(expectedNext[w], e.getKv().getModRevision(), "watcher " + w + " in order, no gaps or repeats");
          expectedNext[w]++;
          seen++;
        }
      }
      c.requests.onCompleted();
    }
  }
}
