package io.keel.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RequestOp;
import io.keel.api.kv.TxnRequest;
import io.keel.api.watch.Event;
import io.keel.api.watch.Watch;
import io.keel.api.watch.WatchSink;
import io.keel.api.watch.WatchSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchHubTest {

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Records what it is offered; refuses while {@code full} is set. */
  static final class RecordingSink implements WatchSink {
    final List<String> seen = new ArrayList<>();
    final List<Long> revisions = new ArrayList<>();
    boolean full;
    long compactedAt = -1;

    @Override
    public boolean offer(long revision, List<Event> events) {
      if (full) {
        return false;
      }
      revisions.add(revision);
      for (Event e : events) {
        seen.add(e.type() + " " + s(e.kv().key()) + "@" + e.kv().modRevision()
            + (e.prevKv() != null ? " prev=" + s(e.prevKv().value()) : ""));
      }
      return true;
    }

    @Override
    public void compacted(long compactRevision) {
      compactedAt = compactRevision;
    }
  }

  static WatchSpec prefix(String p, long start, boolean prevKv) {
    return new WatchSpec(b(p), io.keel.api.kv.Bytes.prefixEnd(b(p)), start, prevKv, false, false);
  }

  static void put(MvccStore store, String k, String v) {
    store.put(PutRequest.of(b(k), b(v)));
  }

  @Test
  void syncedWatcherGetsEachMatchingEventOnceInOrder() {
    MvccStore store = new MvccStore();
    WatchHub hub = new WatchHub(store);
    RecordingSink sink = new RecordingSink();
    Watch w = hub.watch(prefix("/a/", 0, true), sink);
    assertTrue(w.isSynced());
    put(store, "/a/1", "x"); // rev 2
    put(store, "/b/1", "y"); // rev 3, not watched
    put(store, "/a/1", "z"); // rev 4
    store.deleteRange(new DeleteRangeRequest(b("/a/1"), new byte[0], false)); // rev 5
    assertEquals(List.of("PUT /a/1@2", "PUT /a/1@4 prev=x", "DELETE /a/1@5 prev=z"), sink.seen);
    w.cancel();
    put(store, "/a/2", "after");
    assertEquals(3, sink.seen.size(), "a canceled watcher gets nothing more");
  }

  @Test
  void allEventsOfATxnArriveInOneOffer() {
    MvccStore store = new MvccStore();
    WatchHub hub = new WatchHub(store);
    RecordingSink sink = new RecordingSink();
    hub.watch(prefix("/t/", 0, false), sink);
    List<RequestOp> ops = List.of(PutRequest.of(b("/t/a"), b("1")), PutRequest.of(b("/t/b"), b("2")));
    store.txn(new TxnRequest(List.of(), ops, List.of()));
    assertEquals(List.of(2L), sink.revisions);
    assertEquals(List.of("PUT /t/a@2", "PUT /t/b@2"), sink.seen);
  }

  @Test
  void watcherFromThePastCatchesUpThenFollowsLiveExactlyOnce() {
    MvccStore store = new MvccStore();
    WatchHub hub = new WatchHub(store);
    for (int i = 0; i < 2500; i++) {
      put(store, "/h/" + (i % 7), "v" + i);
    }
    RecordingSink sink = new RecordingSink();
    Watch w = hub.watch(prefix("/h/", 2, false), sink);
    assertFalse(w.isSynced());
    hub.syncUnsynced();
    assertTrue(w.isSynced());
    put(store, "/h/x", "live");
    assertEquals(2501, sink.seen.size());
    for (int i = 0; i < sink.revisions.size(); i++) {
      assertEquals(i + 2L, sink.revisions.get(i), "revisions in order, none missing or repeated");
    }
  }

  @Test
  void aSinkThatRefusesIsCaughtUpLaterWithoutGapsOrRepeats() {
    MvccStore store = new MvccStore();
    WatchHub hub = new WatchHub(store);
    RecordingSink slow = new RecordingSink();
    RecordingSink fast = new RecordingSink();
    Watch w = hub.watch(prefix("/s/", 0, false), slow);
    hub.watch(prefix("/s/", 0, false), fast);
    put(store, "/s/1", "a");
    slow.full = true;
    put(store, "/s/2", "b");
    put(store, "/s/3", "c");
    assertFalse(w.isSynced(), "a refusing watcher becomes a victim");
    assertEquals(3, fast.seen.size(), "other watchers are unaffected");
    hub.syncUnsynced();
    assertEquals(1, slow.seen.size(), "nothing delivered while still full");
    slow.full = false;
    hub.syncUnsynced();
    put(store, "/s/4", "d");
    assertEquals(List.of("PUT /s/1@2", "PUT /s/2@3", "PUT /s/3@4", "PUT /s/4@5"), slow.seen);
    assertTrue(w.isSynced());
  }

  @Test
  void compactedHistoryCancelsWithTheCompactionRevision() {
    MvccStore store = new MvccStore();
    WatchHub hub = new WatchHub(store);
    for (int i = 0; i < 5; i++) {
      put(store, "/c/k", "v" + i);
    }
    store.compact(5);
    RecordingSink sink = new RecordingSink();
    hub.watch(prefix("/c/", 3, false), sink);
    hub.syncUnsynced();
    assertEquals(5, sink.compactedAt);
    assertTrue(sink.seen.isEmpty());
  }

  @Test
  void filtersDropPutsOrDeletes() {
    MvccStore store = new MvccStore();
    WatchHub hub = new WatchHub(store);
    RecordingSink noPut = new RecordingSink();
    RecordingSink noDelete = new RecordingSink();
    hub.watch(new WatchSpec(b("k"), new byte[0], 0, false, true, false), noPut);
    hub.watch(new WatchSpec(b("k"), new byte[0], 0, false, false, true), noDelete);
    put(store, "k", "1");
    store.deleteRange(new DeleteRangeRequest(b("k"), new byte[0], false));
    assertEquals(List.of("DELETE k@3"), noPut.seen);
    assertEquals(List.of("PUT k@2"), noDelete.seen);
  }

  @Test
  void sinksMayCancelOrStartWatchersWhileOfferedAndAFailingSinkFailsNoWrite() {
    MvccStore store = new MvccStore();
    WatchHub hub = new WatchHub(store);
    RecordingSink before = new RecordingSink();
    RecordingSink started = new RecordingSink();
    RecordingSink after = new RecordingSink();
    hub.watch(prefix("/k", 0, false), before);
    Watch[] self = new Watch[1];
    self[0] = hub.watch(prefix("/k", 0, false), new WatchSink() {
      @Override
      public boolean offer(long revision, List<Event> events) {
        self[0].cancel(); // as a recipe waiting for one event does
        hub.watch(prefix("/k", 0, false), started);
        return true;
      }

      @Override
      public void compacted(long compactRevision) {}
    });
    hub.watch(prefix("/k", 0, false), new WatchSink() {
      @Override
      public boolean offer(long revision, List<Event> events) {
        throw new IllegalStateException("a broken sink");
      }

      @Override
      public void compacted(long compactRevision) {}
    });
    hub.watch(prefix("/k", 0, false), after);

    put(store, "/k", "1"); // rev 2
    put(store, "/k", "2"); // rev 3
    assertEquals(3, store.currentRevision(), "both writes applied");
    assertEquals(List.of("PUT /k@2", "PUT /k@3"), before.seen);
    assertEquals(List.of("PUT /k@2", "PUT /k@3"), after.seen, "watchers after the broken one still served");
    assertEquals(List.of("PUT /k@3"), started.seen, "a watcher started during an offer sees the next revision");
  }
}
