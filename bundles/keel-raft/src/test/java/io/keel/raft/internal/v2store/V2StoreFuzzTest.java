package io.keel.raft.internal.v2store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.v2.V2Error;
import io.keel.api.v2.V2Event;
import io.keel.api.v2.V2Request;
import io.keel.testsupport.fuzz.Fuzzer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seeded fuzzer on the v2 store, the state the v2 API ({@code /v2/keys}) writes through the
 * Raft log. Each input is read as a sequence of operations: writes (PUT, POST, DELETE and SYNC with
 * every field a client can set, paths with empty, dot, hidden and encoded segments, TTLs in the past
 * and future), gets, watches from any index, and clock steps. Every write and get must be answered
 * with an event or refused with a {@link V2Error} (etcd's codes), never another exception; the
 * index never goes back; and after each operation the store saved and recovered into a new store
 * (what a follower installs from a Raft snapshot) reads the same, index included. CI replays the
 * seeds below and fuzzes a few seconds; {@code -Dkeel.fuzz.seconds=600} runs ten minutes.
 */
class V2StoreFuzzTest {
  private static final String[] SEGMENTS = {"a", "b", "_h", "", ".", "..", "a b", "\u00fc", "%2F", "c"};
  private static final String[] VALUES = {"", "v", "w", "\u00fc\u00df", "x".repeat(300)};
  private static final String[] METHODS = {"PUT", "POST", "DELETE", "PUT", "SYNC"};

  /** The input's bytes, one at a time; 0 once they run out. */
  private static final class Bytes {
    private final byte[] b;
    private int i;

    Bytes(byte[] b) {
      this.b = b;
    }

    boolean more() {
      return i < b.length;
    }

    int next() {
      return i < b.length ? b[i++] & 0xff : 0;
    }

    boolean bit() {
      return (next() & 1) == 1;
    }
  }

  private static final long START_MS = 1_800_000_000_000L;
  /** Writes the store took, and events watchers got: the fuzzer must reach past the refusals. */
  private static final java.util.concurrent.atomic.AtomicLong APPLIED = new java.util.concurrent.atomic.AtomicLong();
  private static final java.util.concurrent.atomic.AtomicLong DELIVERED = new java.util.concurrent.atomic.AtomicLong();

  private static void run(byte[] input) throws V2Error {
    long[] now = {START_MS};
    V2Store store = new V2Store(() -> now[0]);
    List<V2Event> delivered = new ArrayList<>();
    Bytes in = new Bytes(input);
    long index = 0;
    while (in.more()) {
      int op = in.next() % 8;
      String path = path(in);
      try {
        if (op <= 4) {
          String method = METHODS[op];
          long ttlMs = switch (in.next() % 4) {
            case 0 -> 0;
            case 1 -> -1_000; // already past
            default -> (in.next() % 5) * 1_000L;
          };
          Boolean prevExist = switch (in.next() % 3) {
            case 0 -> null;
            case 1 -> true;
            default -> false;
          };
          long expiration = method.equals("SYNC") ? now[0] : ttlMs == 0 ? 0 : now[0] + ttlMs;
          V2Event applied = store.apply(new V2Request(method, path, VALUES[in.next() % VALUES.length], in.bit(),
              in.bit() ? VALUES[in.next() % VALUES.length] : "", in.bit() ? in.next() % (index + 3) : 0, prevExist,
              expiration, in.bit(), in.bit()));
          if (applied != null) {
            APPLIED.incrementAndGet();
          }
        } else if (op == 5) {
          store.get(path, in.bit(), in.bit());
        } else if (op == 6) {
          V2Watchers.Watcher w = store.watch(path, in.bit(), in.bit(), in.next() % (index + 3), delivered::add);
          if (in.bit()) {
            store.unwatch(w);
          }
        } else {
          now[0] += in.next() * 100L;
        }
      } catch (V2Error refused) {
        // etcd's answer to a bad request: the store must still be whole (checked below)
      }
      if (store.index() < index) {
        throw new AssertionError("the index went back from " + index + " to " + store.index());
      }
      index = store.index();
      V2Store recovered = new V2Store(() -> now[0]);
      recovered.recover(store.save());
      V2Event mine = store.get("/", true, true);
      V2Event theirs = recovered.get("/", true, true);
      DELIVERED.addAndGet(delivered.size());
      delivered.clear();
      if (!mine.equals(theirs) || recovered.index() != store.index()) {
        throw new AssertionError("saved and recovered differs:\n" + mine + "\n" + theirs);
      }
    }
  }

  /** A path of up to four segments, with or without its leading slash, sometimes with a trailing or doubled one. */
  private static String path(Bytes in) {
    int shape = in.next();
    StringBuilder p = new StringBuilder((shape & 1) == 0 ? "/" : "");
    int depth = (shape >> 1) % 5;
    for (int d = 0; d < depth; d++) {
      p.append(d > 0 ? ((shape & 0x40) != 0 ? "//" : "/") : "").append(SEGMENTS[in.next() % SEGMENTS.length]);
    }
    if ((shape & 0x80) != 0) {
      p.append('/');
    }
    return p.toString();
  }

  private static List<byte[]> corpus() {
    List<byte[]> seeds = new ArrayList<>();
    // put /a, put /a/b (a file is not a dir), mkdir /c with a TTL, get / recursively, step the clock, sync
    seeds.add(new byte[] {0, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 9,
        2, 3, 2, 1, 1, 1, 0, 0, 0, 0, 0, 5, 0, 1, 1, 7, 0, 50, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    // a watch from index 1, compare-and-swap and compare-and-delete, a recursive delete of a dir
    seeds.add(new byte[] {6, 2, 0, 1, 1, 1, 0, 0, 2, 0, 0, 1, 0, 1, 0, 1, 1, 1, 2, 2, 0, 0, 0, 0, 2, 1, 1, 1, 2, 2, 2,
        0, 0, 1, 0, 0, 1, 1, 2, 1, 1, 1, 2, 4, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1});
    seeds.add("POST in order, hidden keys and dots".getBytes(StandardCharsets.UTF_8));
    return seeds;
  }

  @Test
  void everyRequestIsAnsweredOrRefusedAndTheStoreSurvivesASnapshot() {
    List<byte[]> corpus = new ArrayList<>(Fuzzer.saved(Path.of("src/test/resources/fuzz/v2-store")));
    corpus.addAll(corpus());
    Fuzzer.Report report = new Fuzzer("v2-store", V2StoreFuzzTest::run, e -> e instanceof V2Error,
        Duration.ofSeconds(5), Path.of("target/fuzz-findings")).run(corpus, Fuzzer.budget(Duration.ofSeconds(10)));
    System.out.println(report);
    assertTrue(report.findings().isEmpty(), report.toString());
    assertTrue(report.inputs() > corpus.size(), report.toString());
    System.out.println("v2-store: " + APPLIED + " writes applied, " + DELIVERED + " watch events delivered");
    assertTrue(APPLIED.get() > 100 && DELIVERED.get() > 10, APPLIED + " writes applied, " + DELIVERED + " events");
  }
}
