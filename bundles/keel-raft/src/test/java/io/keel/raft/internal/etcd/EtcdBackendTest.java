package io.keel.raft.internal.etcd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.auth.Permission;
import io.keel.api.kv.Bytes;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import io.keel.auth.AuthState;
import io.keel.bbolt.BoltBucket;
import io.keel.bbolt.BucketSink;
import io.keel.bbolt.KeyValueVisitor;
import io.keel.mvcc.MvccStore;
import io.keel.mvcc.StoreView;
import io.keel.raft.internal.Membership;
import io.keel.raft.internal.SnapshotFile.Restored;
import io.keel.raft.internal.StoreLeases;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** etcd's buckets to and from Keel's state, over an in-memory bbolt file (the page format is keel-bbolt's). */
class EtcdBackendTest {

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Buckets as written: name -> sorted pairs; the fake checks the writer's ordering contract. */
  static final class FakeFile implements EtcdBackend.Target {
    final TreeMap<String, TreeMap<byte[], byte[]>> buckets = new TreeMap<>();
    private String last;

    @Override
    public BucketSink bucket(String name) {
      assertTrue(last == null || Bytes.compare(b(last), b(name)) < 0, "bucket order: " + last + " then " + name);
      last = name;
      TreeMap<byte[], byte[]> pairs = new TreeMap<>(Bytes::compare);
      buckets.put(name, pairs);
      return new BucketSink() {
        @Override
        public void put(byte[] key, byte[] value) {
          if (!name.equals(last)) {
            throw new IllegalStateException("bucket " + name + " is finished"); // as BoltWriter
          }
          if (!pairs.isEmpty() && Bytes.compare(pairs.lastKey(), key) >= 0) {
            throw new IllegalArgumentException("key order in " + name);
          }
          pairs.put(key, value);
        }

        @Override
        public BucketSink bucket(String nested) {
          throw new UnsupportedOperationException("etcd has no nested buckets");
        }
      };
    }

    EtcdBackend.Source source() {
      return name -> {
        TreeMap<byte[], byte[]> pairs = buckets.get(name);
        return pairs == null ? null : new BoltBucket() {
          @Override
          public void forEach(KeyValueVisitor visitor) throws IOException {
            for (Map.Entry<byte[], byte[]> e : pairs.entrySet()) {
              visitor.visit(e.getKey().clone(), e.getValue().clone());
            }
          }

          @Override
          public byte[] get(byte[] key) {
            return pairs.get(key);
          }

          @Override
          public BoltBucket bucket(String nested) {
            return null;
          }

          @Override
          public long count() {
            return pairs.size();
          }
        };
      };
    }

    TreeMap<byte[], byte[]> pairs(String bucket) {
      return buckets.get(bucket);
    }
  }

  /** Overwrites, a delete, a txn with sub-revisions, leases (one negative ID), a compaction, a re-created key. */
  static MvccStore rich() {
    MvccStore store = new MvccStore();
    StoreLeases.grant(store, 7, 30);
    StoreLeases.grant(store, -3, 5);
    store.put(PutRequest.of(b("a"), b("1")));
    store.put(new PutRequest(b("b"), b("1"), 7, false, false, false));
    store.put(PutRequest.of(b("a"), b("2")));
    store.deleteRange(new DeleteRangeRequest(b("a"), Bytes.EMPTY, false));
    store.put(new PutRequest(b("d"), b("y"), -3, false, false, false));
    store.put(PutRequest.of(b("é"), b("")));
    store.compact(4);
    store.put(new PutRequest(b("a"), b("3"), 7, false, false, false));
    store.deleteRange(new DeleteRangeRequest(b("é"), Bytes.EMPTY, false));
    return store;
  }

  static AuthState auth() {
    TreeMap<String, AuthState.User> users = new TreeMap<>();
    users.put("root", new AuthState.User("root", "$2a$04$hash", false, List.of("root")));
    users.put("cn", new AuthState.User("cn", "", true, List.of("reader")));
    TreeMap<String, AuthState.Role> roles = new TreeMap<>();
    roles.put("reader", new AuthState.Role("reader", List.of(new Permission(Permission.Type.READWRITE, b("a/"), b("a0")),
        new Permission(Permission.Type.READ, b("z"), Bytes.EMPTY))));
    return new AuthState(true, 9, users, roles);
  }

  static Membership.State members() {
    return new Membership.State(new TreeMap<>(Map.of(0x8e9e05c52164694dL, new Membership.Entry(List.of("http://a:2380"), false),
        2L, new Membership.Entry(List.of("http://b:2380"), true))),
        new TreeMap<>(Map.of(0x8e9e05c52164694dL, new Membership.Attributes("a", List.of("http://a:2379")))), 0x1234L,
        List.of(Map.entry(2L, 1)), List.of(9L), List.of());
  }

  static FakeFile write(MvccStore store, AuthState auth, Membership.State members) throws IOException {
    FakeFile file = new FakeFile();
    try (StoreView view = store.view()) {
      EtcdBackend.write(view, auth, members, 42, file::bucket);
    }
    return file;
  }

  /** Every version of every key from the compaction on, as text. */
  static List<String> history(MvccStore store) {
    List<String> out = new ArrayList<>();
    for (long rev = Math.max(1, store.compactRevision()); rev <= store.currentRevision(); rev++) {
      for (KeyValue kv : store.range(new RangeRequest(new byte[] {0}, new byte[] {0}, 0, rev, SortOrder.NONE,
          SortTarget.KEY, false, false, false, 0, 0, 0, 0)).kvs()) {
        out.add(rev + ":" + new String(kv.key(), StandardCharsets.UTF_8) + "=" + new String(kv.value(),
            StandardCharsets.UTF_8) + " c" + kv.createRevision() + " m" + kv.modRevision() + " v" + kv.version()
            + " l" + kv.lease());
      }
    }
    return out;
  }

  static List<String> leases(MvccStore store) {
    return StoreLeases.leases(store).stream().map(l -> l.id() + "/" + l.ttlSeconds() + "/"
        + l.keys().stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList()).toList();
  }

  @Test
  void roundTripIsTheSameStoreAndAuthStore() throws IOException {
    MvccStore original = rich();
    Restored read = EtcdBackend.read(write(original, auth(), members()).source());
    MvccStore restored = read.store();
    assertEquals(original.currentRevision(), restored.currentRevision());
    assertEquals(original.compactRevision(), restored.compactRevision());
    assertEquals(history(original), history(restored));
    assertEquals(leases(original), leases(restored));
    assertEquals(original.hashKv(0), restored.hashKv(0));
    assertEquals(auth(), read.auth());
  }

  @Test
  void bucketsHoldWhatEtcdKeepsThere() throws IOException {
    MvccStore store = new MvccStore();
    StoreLeases.grant(store, 0x10, 60);
    store.put(new PutRequest(b("k"), b("v"), 0x10, false, false, false)); // rev 2
    store.deleteRange(new DeleteRangeRequest(b("k"), Bytes.EMPTY, false)); // rev 3
    FakeFile file = write(store, AuthState.INITIAL, members());
    assertEquals(List.of("alarm", "auth", "authRoles", "authUsers", "cluster", "key", "lease", "members",
        "members_removed", "meta"), new ArrayList<>(file.buckets.keySet()));
    TreeMap<byte[], byte[]> keys = file.pairs("key");
    assertEquals(2, keys.size());
    byte[] put = ByteBuffer.allocate(17).putLong(2).put((byte) '_').putLong(0).array();
    byte[] tomb = ByteBuffer.allocate(18).putLong(3).put((byte) '_').putLong(0).put((byte) 't').array();
    // mvccpb.KeyValue{key:"k" create_revision:2 mod_revision:2 version:1 value:"v" lease:16}, as gogoproto marshals it
    assertArrayEquals(new byte[] {0x0a, 1, 'k', 0x10, 2, 0x18, 2, 0x20, 1, 0x2a, 1, 'v', 0x30, 0x10}, keys.get(put));
    assertArrayEquals(new byte[] {0x0a, 1, 'k'}, keys.get(tomb));
    assertArrayEquals(new byte[] {0x08, 0x10, 0x10, 60}, file.pairs("lease").get(ByteBuffer.allocate(8).putLong(0x10).array()));
    assertArrayEquals(ByteBuffer.allocate(8).putLong(42).array(), file.pairs("meta").get(b("consistent_index")));
    assertEquals(1, file.pairs("meta").size(), "no compaction revisions before a compaction");
    assertArrayEquals(ByteBuffer.allocate(8).putLong(1).array(), file.pairs("auth").get(b("authRevision")));
    assertEquals(1, file.pairs("auth").size(), "authEnabled only once enabled");
    assertArrayEquals(b("3.4.0"), file.pairs("cluster").get(b("clusterVersion")));
    assertEquals("{\"id\":10276657743932975437,\"peerURLs\":[\"http://a:2380\"],\"name\":\"a\",\"clientURLs\":[\"http://a:2379\"]}",
        new String(file.pairs("members").get(b("8e9e05c52164694d")), StandardCharsets.UTF_8));
    assertEquals("{\"id\":2,\"peerURLs\":[\"http://b:2380\"],\"isLearner\":true}",
        new String(file.pairs("members").get(b("2")), StandardCharsets.UTF_8));
    assertArrayEquals(b("removed"), file.pairs("members_removed").get(b("9")));
    assertArrayEquals(new byte[0], file.pairs("alarm").get(new byte[] {0x08, 2, 0x10, 1}));
  }

  @Test
  void aCompactionWritesBothCompactionRevisions() throws IOException {
    FakeFile file = write(rich(), AuthState.INITIAL, null);
    byte[] four = ByteBuffer.allocate(17).putLong(4).put((byte) '_').putLong(0).array();
    assertArrayEquals(four, file.pairs("meta").get(b("scheduledCompactRev")));
    assertArrayEquals(four, file.pairs("meta").get(b("finishedCompactRev")));
    assertEquals(0, file.pairs("members").size());
  }

  /** etcd restarts a compaction that was scheduled but not finished; so does the import. */
  @Test
  void anUnfinishedCompactionIsFinishedOnImport() throws IOException {
    MvccStore store = new MvccStore();
    store.put(PutRequest.of(b("a"), b("1"))); // 2
    store.put(PutRequest.of(b("a"), b("2"))); // 3
    store.put(PutRequest.of(b("b"), b("1"))); // 4
    store.deleteRange(new DeleteRangeRequest(b("b"), Bytes.EMPTY, false)); // 5
    store.put(PutRequest.of(b("a"), b("3"))); // 6
    FakeFile file = write(store, AuthState.INITIAL, null);
    file.pairs("meta").put(b("scheduledCompactRev"), ByteBuffer.allocate(17).putLong(5).put((byte) '_').putLong(0).array());
    MvccStore restored = EtcdBackend.read(file.source()).store();
    assertEquals(5, restored.compactRevision());
    assertEquals(6, restored.currentRevision());
    assertEquals(List.of("5:a=2 c2 m3 v2 l0", "6:a=3 c2 m6 v3 l0"), history(restored));
  }

  @Test
  void theCurrentRevisionIsAtLeastTheCompaction() throws IOException {
    MvccStore store = new MvccStore();
    store.put(PutRequest.of(b("a"), b("1"))); // 2
    store.deleteRange(new DeleteRangeRequest(b("a"), Bytes.EMPTY, false)); // 3
    store.compact(3);
    MvccStore restored = EtcdBackend.read(write(store, AuthState.INITIAL, null).source()).store();
    assertEquals(3, restored.currentRevision());
    assertEquals(3, restored.compactRevision());
  }

  @Test
  void aFileWithoutTheKeyBucketIsNotEtcds() throws IOException {
    FakeFile file = new FakeFile();
    file.bucket("widgets").put(b("x"), b("y"));
    IOException e = assertThrows(IOException.class, () -> EtcdBackend.read(file.source()));
    assertEquals("not an etcd snapshot: it has no \"key\" bucket", e.getMessage());
  }

  @Test
  void brokenRecordsAreRefusedNamingWhat() throws IOException {
    FakeFile badRevision = write(rich(), AuthState.INITIAL, null);
    badRevision.pairs("key").put(b("nonsense"), b(""));
    assertTrue(assertThrows(IOException.class, () -> EtcdBackend.read(badRevision.source())).getMessage()
        .startsWith("corrupt etcd snapshot: bad revision key"));

    FakeFile liveWithoutLease = write(rich(), AuthState.INITIAL, null);
    liveWithoutLease.pairs("lease").clear();
    assertEquals("corrupt etcd snapshot: bad lease of a live key",
        assertThrows(IOException.class, () -> EtcdBackend.read(liveWithoutLease.source())).getMessage());

    FakeFile badProto = write(rich(), AuthState.INITIAL, null);
    badProto.pairs("key").replaceAll((k, v) -> new byte[] {(byte) 0xff});
    assertThrows(IOException.class, () -> EtcdBackend.read(badProto.source()));
  }
}
