package io.keel.mvcc;

import static io.keel.mvcc.Kv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.EtcdException;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.RequestOp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Readers on other threads while the apply thread writes: no exceptions, revisions never go back,
 * and a txn is seen whole or not at all (each txn writes k0..k3 with the same value).
 */
class ConcurrencyTest {
  private static final int WRITES = 3000;
  private static final int READERS = 3;

  @Test
  void readersSeeWholeRevisionsWhileOneThreadWrites() throws Exception {
    MvccStore store = new MvccStore();
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(READERS + 1);
    try {
      List<Future<Long>> readers = new ArrayList<>();
      for (int i = 0; i < READERS; i++) {
        readers.add(pool.submit(() -> read(store, done)));
      }
      Future<?> writer = pool.submit(() -> {
        try {
          for (int i = 1; i <= WRITES; i++) {
            String v = Integer.toString(i);
            store.txn(txn(List.of(), List.<RequestOp>of(put("k0", v), put("k1", v), put("k2", v), put("k3", v)),
                List.of()));
            if (i % 500 == 0) {
              store.compact(store.currentRevision() - 10);
            }
            if (i % 7 == 0) {
              store.hashKv(0);
              store.leases();
            }
          }
        } finally {
          done.set(true);
        }
      });
      writer.get(60, TimeUnit.SECONDS);
      for (Future<Long> r : readers) {
        assertTrue(r.get(60, TimeUnit.SECONDS) > 0, "each reader read something");
      }
      assertEquals(WRITES + 1, store.currentRevision());
    } finally {
      pool.shutdownNow();
    }
  }

  private static long read(MvccStore store, AtomicBoolean done) {
    long lastRev = 0;
    long reads = 0;
    while (!done.get()) {
      long before = store.currentRevision();
      assertTrue(before >= lastRev, "currentRevision went back");
      RangeResponse r = store.range(getRange("k0", "k4"));
      assertTrue(r.revision() >= before, "a read reported an older revision than already published");
      if (r.count() > 0) {
        assertEquals(4, r.count());
        String v = s(r.kvs().get(0).value());
        for (KeyValue kv : r.kvs()) {
          assertEquals(v, s(kv.value()), "a txn was seen half applied");
          assertEquals(r.revision(), kv.modRevision());
        }
      }
      try {
        long old = Math.max(1, r.revision() - 5);
        store.range(getAt("k0", "k4", old));
      } catch (EtcdException e) {
        // COMPACTED is a fine answer for a read racing a compaction
      }
      lastRev = r.revision();
      reads++;
    }
    return reads;
  }
}
