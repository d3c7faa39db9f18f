package io.keel.itests.blackbox;

import static io.keel.itests.blackbox.Jetcd.bytes;
import static io.keel.itests.blackbox.Jetcd.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Durability across SIGKILL: every put the member acknowledged before it was killed is there after
 * a restart on the same data dir, at the revision it was acknowledged with, and the history has no
 * gaps (each put of a fresh key is exactly one revision).
 */
class KillNineIT {

  private static final String PREFIX = "/kill9/";
  private static final int IN_FLIGHT = 8;

  @Test
  void acknowledgedPutsSurviveKillNine() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int killAfterAcks = 300 + random.nextInt(500);
    System.out.println("KillNineIT seed=" + seed + " killAfterAcks=" + killAfterAcks);

    try (ApplianceProcess node = ApplianceProcess.create("kill9")) {
      node.start().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);

      Map<String, Long> acked = new ConcurrentHashMap<>();
      List<Throwable> failures = new ArrayList<>();
      AtomicBoolean stopWriting = new AtomicBoolean();
      Semaphore inFlight = new Semaphore(IN_FLIGHT);
      Client client = Jetcd.client(node);
      try {
        KV kv = client.getKVClient();
        Thread writer = new Thread(() -> {
          for (int i = 0; !stopWriting.get(); i++) {
            try {
              if (!inFlight.tryAcquire(5, TimeUnit.SECONDS)) {
                continue;
              }
            } catch (InterruptedException e) {
              return;
            }
            String key = String.format("%sk%07d", PREFIX, i);
            kv.put(bytes(key), bytes("v" + i)).whenComplete((r, t) -> {
              if (t == null) {
                acked.put(key, r.getHeader().getRevision());
              } else {
                synchronized (failures) {
                  failures.add(t);
                }
              }
              inFlight.release();
            });
          }
        }, "kill9-writer");
        writer.start();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (acked.size() < killAfterAcks) {
          assertTrue(System.nanoTime() < deadline,
              "only " + acked.size() + " puts acknowledged in 120 s; failures " + failures + "\n" + node.diagnostics());
          assertTrue(writer.isAlive(), "writer died");
          Thread.sleep(5);
        }
        System.out.println("KillNineIT killing with " + (IN_FLIGHT - inFlight.availablePermits()) + " puts in flight");
        node.kill9();
        stopWriting.set(true);
        writer.join(10_000);
      } finally {
        // Closing the client fails whatever is still outstanding and stops any retry, so nothing can
        // reach the member once it restarts. A dead member sends no acknowledgements: whatever is in
        // `acked` once the outstanding calls are settled is the complete acknowledged set.
        client.close();
      }
      if (!inFlight.tryAcquire(IN_FLIGHT, 30, TimeUnit.SECONDS)) {
        System.out.println("KillNineIT " + (IN_FLIGHT - inFlight.availablePermits())
            + " puts never completed, even after the client was closed");
      }
      synchronized (failures) {
        System.out.println("KillNineIT failed puts: " + failures.size()
            + (failures.isEmpty() ? "" : " first: " + failures.get(0)));
      }
      Map<String, Long> acknowledged = new HashMap<>(acked);
      long maxAcked = acknowledged.values().stream().mapToLong(Long::longValue).max().orElseThrow();
      System.out.println("KillNineIT acknowledged=" + acknowledged.size() + " maxRevision=" + maxAcked);

      node.restart().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      try (Client after = Jetcd.client(node)) {
        KV kv = after.getKVClient();
        GetResponse all = kv.get(bytes(PREFIX), GetOption.builder().isPrefix(true).build())
            .get(30, TimeUnit.SECONDS);
        Map<String, KeyValue> present = new HashMap<>();
        for (KeyValue kvp : all.getKvs()) {
          present.put(string(kvp.getKey()), kvp);
        }
        for (Map.Entry<String, Long> e : acknowledged.entrySet()) {
          KeyValue kvp = present.get(e.getKey());
          assertNotNull(kvp, "acknowledged put of " + e.getKey() + " at revision " + e.getValue() + " lost");
          assertEquals(e.getValue().longValue(), kvp.getModRevision(), "mod_revision of " + e.getKey());
        }

        long revision = all.getHeader().getRevision();
        assertTrue(revision >= maxAcked, "store revision " + revision + " is behind acknowledged " + maxAcked);
        // A fresh store is at revision 1; each put of a new key adds one. So the keys present
        // (acknowledged or not: a put in flight at the kill may have committed) must have been
        // written at exactly the revisions 2..revision.
        List<Long> revisions = present.values().stream().map(KeyValue::getModRevision).sorted().toList();
        assertEquals(revision - 1, revisions.size(), "keys present vs store revision " + revision);
        for (int i = 0; i < revisions.size(); i++) {
          assertEquals(i + 2L, revisions.get(i).longValue(), "gap in the history");
        }

        PutResponse next = kv.put(bytes(PREFIX + "after-restart"), bytes("x")).get(30, TimeUnit.SECONDS);
        assertEquals(revision + 1, next.getHeader().getRevision(), "revision of the first put after restart");
      }
    }
  }
}
