package io.keel.registry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.keel.api.ResponseHeader;
import io.keel.api.Watchable;
import io.keel.api.kv.KeyValue;
import io.keel.api.watch.Event;
import io.keel.api.watch.Watch;
import io.keel.api.watch.WatchSink;
import io.keel.api.watch.WatchSpec;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChangeIndexTest {
  /** A watch hub at revision 7 that records the one watch made on it. */
  private static final class FakeWatchable implements Watchable {
    WatchSpec spec;

    @Override
    public Watch watch(WatchSpec spec, WatchSink sink) {
      this.spec = spec;
      return new Watch() {
        @Override
        public void cancel() {}

        @Override
        public boolean isSynced() {
          return true;
        }
      };
    }

    @Override
    public ResponseHeader header(long revision) {
      return new ResponseHeader(1, 1, revision, 1);
    }

    @Override
    public long currentRevision() {
      return 7;
    }
  }

  private static List<Event> put(String key, long revision) {
    return List.of(new Event(Event.Type.PUT, new KeyValue(RegistryKeys.bytes(key), revision, revision, 1, new byte[0], 0), null));
  }

  @Test
  void startsAtTheStoreRevisionAndMovesOnlyForRegistrationsAndChecks() {
    FakeWatchable hub = new FakeWatchable();
    try (ChangeIndex index = new ChangeIndex(hub).start()) {
      assertEquals(7, index.current());
      assertEquals(8, hub.spec.startRevision(), "watches from just after the revision it reports");
      index.offer(9, put(RegistryKeys.OWNERS + "web1", 9));
      assertEquals(7, index.current(), "an owner moving is no change to the catalog");
      index.offer(10, put(RegistryKeys.CHECKS + "service:web1", 10));
      assertEquals(10, index.current());
    }
  }

  @Test
  void aBlockingQueryWakesWithTheChange() throws Exception {
    try (ChangeIndex index = new ChangeIndex(new FakeWatchable()).start()) {
      CompletableFuture<Long> woken = CompletableFuture.supplyAsync(() -> {
        try {
          return index.awaitAfter(7, 60_000);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      assertFalse(woken.isDone());
      index.offer(12, put(RegistryKeys.SERVICES + "web1", 12));
      assertEquals(12, woken.get(30, TimeUnit.SECONDS));
      assertEquals(12, index.awaitAfter(11, 0), "past the index: answers at once");
    }
  }
}
