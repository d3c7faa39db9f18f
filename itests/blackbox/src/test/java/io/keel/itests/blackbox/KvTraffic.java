package io.keel.itests.blackbox;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.keel.testsupport.history.AckedWrite;
import io.keel.testsupport.history.Op;
import io.keel.testsupport.history.RangeChecks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent clients recording a history for the checkers, as etcd's robustness traffic does: each
 * client picks a member at random for every request (so reads go through followers' ReadIndex and
 * writes through forwarding) and sends a linearizable get, a put, a delete or a compare-and-set
 * txn on a few keys, every write with a value never written before. Each request is recorded with
 * its invoke and complete times; a write that fails or times out is recorded as of unknown outcome
 * (it may have been applied), a failed read is dropped. Some reads are linearizable ranges over the
 * whole prefix: each key of one goes into the history as a get, and the answer is kept whole for
 * {@link RangeChecks}. One watcher per member watches the keys'
 * prefix from the start revision, resuming after the last revision it saw when its member goes
 * away, as etcd's clients do; acknowledged writes are kept with their revisions for the watch check.
 * A compactor compacts every 3 s up to the lowest revision the watchers have reached, so none of
 * them is ever refused as compacted when it resumes.
 * One more client grants short leases, puts a key with each (under {@code <prefix>lease/}, apart
 * from the checked keys) and revokes half of them; the rest expire: afterwards no member may keep
 * any of those keys.
 */
final class KvTraffic implements AutoCloseable {
  private static final Duration DEADLINE = Duration.ofSeconds(3);
  private final String prefix;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<Op> ops = Collections.synchronizedList(new ArrayList<>());
  private final List<AckedWrite> acked = Collections.synchronizedList(new ArrayList<>());
  private final List<RangeChecks.RangeRead> ranges = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, AtomicLong> watcherSeen = new ConcurrentHashMap<>();
  private final Map<String, List<io.keel.testsupport.history.Event>> watched = new ConcurrentHashMap<>();
  private final Map<String, String> lastReads = new ConcurrentHashMap<>();
  private final List<Thread> clients = new ArrayList<>();
  private final List<Thread> watchers = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicBoolean stopWatching = new AtomicBoolean();
  private final AtomicLong writes = new AtomicLong();
  private final java.util.Set<String> leaseKeys = ConcurrentHashMap.newKeySet();
  private final int keys;
  private final long startRevision;

  private KvTraffic(String prefix, List<Integer> clientPorts, int keys) {
    this.prefix = prefix;
    this.keys = keys;
    for (int port : clientPorts) {
      channels.add(ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    }
    this.startRevision = currentRevision() + 1;
  }

  /** Starts {@code clients} clients and one watcher per member on {@code keys} keys under {@code prefix}. */
  static KvTraffic start(String prefix, List<Integer> clientPorts, int clients, int keys, long seed) {
    KvTraffic t = new KvTraffic(prefix, clientPorts, keys);
    for (int m = 0; m < clientPorts.size(); m++) {
      t.watchers.add(spawn("watcher-" + m, t.watcher("w" + m, m)));
    }
    t.clients.add(spawn("compactor", t.compactor(new Random(seed), t::behindWatchers)));
    return t.withClients(clients, seed);
  }

  /**
   * The soak's traffic: the clients and the lease client, no watchers, and a compaction every 3 s
   * that keeps the last 500 revisions (a watcher resuming below it would be refused as compacted).
   */
  static KvTraffic soak(String prefix, List<Integer> clientPorts, int clients, int keys, long seed) {
    KvTraffic t = new KvTraffic(prefix, clientPorts, keys);
    t.clients.add(spawn("compactor", t.compactor(new Random(seed), () -> t.currentRevision() - 500)));
    return t.withClients(clients, seed);
  }

  private final AtomicLong compactions = new AtomicLong();

  /** Every 3 s, compacts up to the revision {@code target} names, if that is past the last compaction. */
  private Runnable compactor(Random random, java.util.function.LongSupplier target) {
    return () -> {
      long done = 0;
      while (!stop.get()) {
        pause(3_000);
        try {
          long revision = target.getAsLong();
          if (revision > done && revision > 1) {
            kv(pick(random)).compact(io.etcd.jetcd.api.CompactionRequest.newBuilder().setRevision(revision).build());
            compactions.incrementAndGet();
            done = revision;
          }
        } catch (StatusRuntimeException refused) {
          // a member away, or compacted already: the next round compacts further
        }
      }
    };
  }

  /**
   * The lowest revision every watcher has seen an event of: each resumes after it, so compacting up
   * to it refuses none of them (etcd refuses a watch only from below the compacted revision).
   */
  private long behindWatchers() {
    return watcherSeen.values().stream().mapToLong(AtomicLong::get).min().orElse(0);
  }

  long compactions() {
    return compactions.get();
  }

  private KvTraffic withClients(int clients, long seed) {
    KvTraffic t = this;
    for (int c = 0; c < clients; c++) {
      t.clients.add(spawn("client-" + c, t.client(c, new Random(seed * 31 + c))));
    }
    t.clients.add(spawn("leases", t.leaseClient(new Random(seed * 31 - 1))));
    return t;
  }

  private static Thread spawn(String name, Runnable body) {
    Thread thread = new Thread(body, "kv-traffic-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  String key(int i) {
    return prefix + i;
  }

  private long currentRevision() {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      for (ManagedChannel ch : channels) {
        try {
          return KVGrpc.newBlockingStub(ch).withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
              .range(RangeRequest.newBuilder().setKey(bytes(prefix)).build()).getHeader().getRevision();
        } catch (StatusRuntimeException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
        }
      }
      pause(200); // no member answered: wait a little before the next round
    }
  }

  private Runnable client(int id, Random random) {
    return () -> {
      long n = 0;
      while (!stop.get()) {
        ManagedChannel ch = pick(random);
        String key = key(random.nextInt(keys));
        int dice = random.nextInt(100);
        String value = "c" + id + "-" + n++;
        if (dice < 30) {
          get(id, ch, key);
        } else if (dice < 40) {
          range(id, ch);
        } else if (dice < 65) {
          put(id, ch, key, value);
        } else if (dice < 75) {
          delete(id, ch, key);
        } else {
          // compare with what this client last read of the key, or absent
          cas(id, ch, key, random.nextBoolean() ? null : lastRead(key), value);
        }
        pause(5 + random.nextInt(10));
      }
    };
  }

  /** Grants a lease of 2-4 s, puts a key with it, and revokes it or lets it expire, again and again. */
  private Runnable leaseClient(Random random) {
    return () -> {
      long n = 0;
      while (!stop.get()) {
        ManagedChannel ch = pick(random);
        try {
          long id = LeaseGrpc.newBlockingStub(ch).withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
              .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(2 + random.nextInt(3)).build()).getID();
          String key = prefix + "lease/" + n++;
          leaseKeys.add(key); // before the put: an unanswered put may still have attached it
          kv(ch).put(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes("l")).setLease(id).build());
          if (random.nextBoolean()) {
            LeaseGrpc.newBlockingStub(ch).withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build());
          }
        } catch (StatusRuntimeException failed) {
          // the lease (if granted) expires on its own
        }
        pause(50 + random.nextInt(100));
      }
    };
  }

  /** Every key a lease client attached to a lease (all revoked or expired some seconds after {@link #stopClients}). */
  java.util.Set<String> leaseKeys() {
    return java.util.Set.copyOf(leaseKeys);
  }

  /** The lease keys member {@code m} still has, read from its own state (serializable). */
  java.util.Set<String> leaseKeysOn(int m) {
    RangeResponse r = kv(channels.get(m)).range(RangeRequest.newBuilder().setKey(bytes(prefix + "lease/"))
        .setRangeEnd(bytes(prefixEnd(prefix + "lease/"))).setKeysOnly(true).setSerializable(true).build());
    java.util.Set<String> keys = new java.util.TreeSet<>();
    r.getKvsList().forEach(kv -> keys.add(kv.getKey().toStringUtf8()));
    return keys;
  }

  int members() {
    return channels.size();
  }

  /** A member whose connection is up if there is one, so that a member that is down costs few unknowns. */
  private ManagedChannel pick(Random random) {
    int first = random.nextInt(channels.size());
    for (int i = 0; i < channels.size(); i++) {
      ManagedChannel ch = channels.get((first + i) % channels.size());
      if (ch.getState(true) == ConnectivityState.READY) {
        return ch;
      }
    }
    return channels.get(first);
  }

  private String lastRead(String key) {
    return lastReads.get(key);
  }

  private KVGrpc.KVBlockingStub kv(ManagedChannel ch) {
    return KVGrpc.newBlockingStub(ch).withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  void get(int client, ManagedChannel ch, String key) {
    long invoke = System.nanoTime();
    try {
      RangeResponse r = kv(ch).range(RangeRequest.newBuilder().setKey(bytes(key)).build());
      String read = r.getKvsCount() == 0 ? null : r.getKvs(0).getValue().toStringUtf8();
      ops.add(Op.get(client, key, read, invoke, System.nanoTime()));
      if (read != null) {
        lastReads.put(key, read);
      }
    } catch (StatusRuntimeException failed) {
      // a read that got no answer says nothing
    }
  }

  /**
   * A linearizable range over the whole prefix (the watchers' range): into the history as a get of
   * each checked key, at the range's invoke and complete times; the answer whole, lease keys too, for
   * {@link RangeChecks}.
   */
  private void range(int client, ManagedChannel ch) {
    long invoke = System.nanoTime();
    RangeResponse r;
    try {
      r = kv(ch).range(RangeRequest.newBuilder().setKey(bytes(prefix)).setRangeEnd(bytes(prefixEnd(prefix))).build());
    } catch (StatusRuntimeException failed) {
      return; // a read that got no answer says nothing
    }
    long complete = System.nanoTime();
    Map<String, RangeChecks.Found> kvs = new java.util.HashMap<>();
    r.getKvsList().forEach(kv -> kvs.put(kv.getKey().toStringUtf8(),
        new RangeChecks.Found(kv.getValue().toStringUtf8(), kv.getModRevision())));
    ranges.add(new RangeChecks.RangeRead(r.getHeader().getRevision(), kvs));
    for (int k = 0; k < keys; k++) {
      RangeChecks.Found found = kvs.get(key(k));
      String read = found == null ? null : found.value();
      ops.add(Op.get(client, key(k), read, invoke, complete));
      if (read != null) {
        lastReads.put(key(k), read);
      }
    }
  }

  /** Every range answer the clients got. */
  List<RangeChecks.RangeRead> rangeReads() {
    synchronized (ranges) {
      return List.copyOf(ranges);
    }
  }

  private void put(int client, ManagedChannel ch, String key, String value) {
    long invoke = System.nanoTime();
    try {
      long revision = kv(ch).put(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build())
          .getHeader().getRevision();
      ops.add(Op.put(client, key, value, invoke, System.nanoTime()));
      acked.add(new AckedWrite(key, revision, false, value));
      writes.incrementAndGet();
    } catch (StatusRuntimeException unknown) {
      ops.add(Op.put(client, key, value, invoke, System.nanoTime()).unknown());
    }
  }

  private void delete(int client, ManagedChannel ch, String key) {
    long invoke = System.nanoTime();
    try {
      var r = kv(ch).deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes(key)).build());
      ops.add(Op.delete(client, key, invoke, System.nanoTime()));
      if (r.getDeleted() > 0) {
        acked.add(new AckedWrite(key, r.getHeader().getRevision(), true, null));
      }
      writes.incrementAndGet();
    } catch (StatusRuntimeException unknown) {
      ops.add(Op.delete(client, key, invoke, System.nanoTime()).unknown());
    }
  }

  private void cas(int client, ManagedChannel ch, String key, String expected, String value) {
    Compare compare = expected == null
        ? Compare.newBuilder().setKey(bytes(key)).setTarget(Compare.CompareTarget.CREATE)
            .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0).build()
        : Compare.newBuilder().setKey(bytes(key)).setTarget(Compare.CompareTarget.VALUE)
            .setResult(Compare.CompareResult.EQUAL).setValue(bytes(expected)).build();
    TxnRequest txn = TxnRequest.newBuilder().addCompare(compare).addSuccess(RequestOp.newBuilder()
        .setRequestPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)))).build();
    long invoke = System.nanoTime();
    try {
      TxnResponse r = kv(ch).txn(txn);
      long complete = System.nanoTime();
      Op op = Op.cas(client, key, expected, value, r.getSucceeded(), invoke, complete);
      ops.add(op);
      if (r.getSucceeded()) {
        acked.add(new AckedWrite(key, r.getHeader().getRevision(), false, value));
        writes.incrementAndGet();
      }
    } catch (StatusRuntimeException unknown) {
      ops.add(Op.cas(client, key, expected, value, true, invoke, System.nanoTime()).unknown());
    }
  }

  private Runnable watcher(String name, int member) {
    List<io.keel.testsupport.history.Event> events = Collections.synchronizedList(new ArrayList<>());
    watched.put(name, events);
    AtomicLong seen = new AtomicLong(startRevision - 1);
    watcherSeen.put(name, seen);
    return () -> {
      long next = startRevision;
      int m = member;
      while (!stopWatching.get()) {
        CountDownLatch ended = new CountDownLatch(1);
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channels.get(m)).watch(new StreamObserver<>() {
          @Override
          public void onNext(WatchResponse r) {
            for (Event e : r.getEventsList()) {
              events.add(new io.keel.testsupport.history.Event(e.getKv().getModRevision(), e.getKv().getKey().toStringUtf8(),
                  e.getType() == Event.EventType.DELETE,
                  e.getType() == Event.EventType.DELETE ? null : e.getKv().getValue().toStringUtf8()));
              seen.set(e.getKv().getModRevision());
            }
            if (r.getCanceled()) {
              ended.countDown();
            }
          }

          @Override
          public void onError(Throwable t) {
            ended.countDown();
          }

          @Override
          public void onCompleted() {
            ended.countDown();
          }
        });
        requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
            .setKey(bytes(prefix)).setRangeEnd(bytes(prefixEnd(prefix))).setStartRevision(next)).build());
        try {
          while (!stopWatching.get() && !ended.await(100, TimeUnit.MILLISECONDS)) {
            // watching
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        try {
          requests.onCompleted();
        } catch (RuntimeException alreadyGone) {
          // the stream ended first
        }
        // a whole revision's events come in one response, so resuming after the last seen one loses none
        next = seen.get() + 1;
        m = (m + 1) % channels.size();
        pause(100);
      }
    };
  }

  /** Stops the clients (the watchers go on until {@link #close}); returns the recorded history. */
  List<Op> stopClients() {
    stop.set(true);
    join(clients);
    return history();
  }

  private static void join(List<Thread> threads) {
    for (Thread t : threads) {
      try {
        t.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits (bounded) until every watcher has seen {@code revision}; false if one has not. */
  boolean awaitWatchersAt(long revision, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (System.nanoTime() < deadline) {
      if (watchEvents().values().stream().allMatch(events -> !events.isEmpty()
          && events.get(events.size() - 1).revision() >= revision)) {
        return true;
      }
      pause(100);
    }
    return false;
  }

  List<Op> history() {
    synchronized (ops) {
      return List.copyOf(ops);
    }
  }

  /**
   * Reads every key once through every member (linearizably, retried until answered), into the
   * history: what the checker then finds must be what was acknowledged.
   */
  void finalReads(Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    for (ManagedChannel ch : channels) {
      for (int k = 0; k < keys; k++) {
        int before = ops.size();
        while (ops.size() == before) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("no answer to the final read of " + key(k) + " within " + patience);
          }
          get(-1, ch, key(k));
          if (ops.size() == before) {
            pause(200);
          }
        }
      }
    }
  }

  long acknowledgedWrites() {
    return writes.get();
  }

  long startRevision() {
    return startRevision;
  }

  Map<String, List<io.keel.testsupport.history.Event>> watchEvents() {
    Map<String, List<io.keel.testsupport.history.Event>> copy = new java.util.TreeMap<>();
    watched.forEach((name, events) -> {
      synchronized (events) {
        copy.put(name, List.copyOf(events));
      }
    });
    return copy;
  }

  List<AckedWrite> acknowledged() {
    synchronized (acked) {
      return List.copyOf(acked);
    }
  }

  /** The highest revision any acknowledged write got. */
  long lastAcknowledgedRevision() {
    return acknowledged().stream().mapToLong(AckedWrite::revision).max().orElse(startRevision);
  }

  @Override
  public void close() {
    stop.set(true);
    stopWatching.set(true);
    join(clients);
    join(watchers);
    channels.forEach(ManagedChannel::shutdownNow);
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  private static String prefixEnd(String prefix) {
    byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
    b[b.length - 1]++;
    return new String(b, StandardCharsets.UTF_8);
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
