package io.keel.itests.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.v2.V2Error;
import io.keel.api.v2.V2Event;
import io.keel.api.v2.V2Request;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * etcd's v2 store is replicated state: a write through a follower (forwarded to the leader) lands
 * at the same index on every member; a TTL key is expired by the leader's SYNC, so every member
 * sees the same expire event at the same index; the store comes back after a snapshot and a restart.
 */
class V2ClusterTest {

  private static V2Request set(String path, String value, long expirationMs) {
    return new V2Request("PUT", path, value, false, "", 0, null, expirationMs, false, false);
  }

  @Test
  void writesReplicateAndTtlKeysExpireAtTheSameIndexEverywhere() throws Exception {
    try (TestCluster c = TestCluster.start(3)) {
      int follower = c.isLeader(0) ? 1 : 0;
      V2Event written = c.member(follower).v2Write(set("/v2/k", "v", 0)).get(20, TimeUnit.SECONDS);
      assertEquals("set", written.action());
      V2Error exists = org.junit.jupiter.api.Assertions.assertThrows(V2Error.class, () -> {
        try {
          c.member(follower).v2Write(new V2Request("PUT", "/v2/k", "w", false, "", 0, false, 0, false, false))
              .get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          throw e.getCause();
        }
      });
      assertEquals(105, exists.errorCode(), "a v2 error comes back through forwarding as itself");

      List<List<V2Event>> seen = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(),
          new CopyOnWriteArrayList<>());
      for (int i = 0; i < 3; i++) {
        c.member(i).v2Watch("/v2/t", false, true, written.index() + 1, seen.get(i)::add);
      }
      c.member(follower).v2Write(set("/v2/t", "x", System.currentTimeMillis() + 1_000)).get(20, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (seen.stream().anyMatch(l -> l.stream().noneMatch(e -> e.action().equals("expire")))
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      for (int i = 0; i < 3; i++) {
        // a stream watcher of the key itself hears a removal twice (once as a removed path, once as
        // the changed key), as real etcd 3.4 sends it
        assertEquals(List.of("set", "expire", "expire"), seen.get(i).stream().map(V2Event::action).toList(),
            "member " + i);
        assertEquals(seen.get(0).get(1).index(), seen.get(i).get(1).index(), "the same expire index on member " + i);
      }
      for (int i = 0; i < 3; i++) {
        int m = i;
        long deadlineRead = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        V2Event got = c.member(m).v2Get("/v2/k", false, false, true).get(20, TimeUnit.SECONDS);
        while (got.etcdIndex() != seen.get(0).get(1).index() && System.nanoTime() < deadlineRead) {
          Thread.sleep(50);
          got = c.member(m).v2Get("/v2/k", false, false, false).get(20, TimeUnit.SECONDS);
        }
        assertEquals("v", got.node().value());
        assertEquals(seen.get(0).get(1).index(), got.etcdIndex(), "member " + m + " at the same store index");
      }

      c.member(follower).snapshotNow();
      c.member(follower).v2Write(set("/v2/after", "snap", 0)).get(20, TimeUnit.SECONDS);
      c.restart(follower);
      long deadlineRestart = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      V2Event back = null;
      while (back == null && System.nanoTime() < deadlineRestart) {
        try {
          back = c.member(follower).v2Get("/v2/after", false, false, false).get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | CompletionException e) {
          Thread.sleep(100);
        }
      }
      assertTrue(back != null, "the v2 store did not come back after the restart");
      assertEquals("snap", back.node().value());
      assertEquals("v", c.member(follower).v2Get("/v2/k", false, false, false).get(20, TimeUnit.SECONDS).node().value());
    }
  }
}
