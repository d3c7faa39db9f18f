package io.keel.raft.internal.etcd;

import io.keel.api.kv.Bytes;
import io.keel.api.kv.KeyValue;
import io.keel.auth.AuthState;
import io.keel.bbolt.BoltBucket;
import io.keel.bbolt.BucketSink;
import io.keel.mvcc.LeaseInfo;
import io.keel.mvcc.StoreBuilder;
import io.keel.mvcc.StoreSink;
import io.keel.mvcc.StoreView;
import io.keel.mvcc.StoredVersion;
import io.keel.raft.internal.Membership;
import io.keel.raft.internal.SnapshotFile.Restored;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * etcd 3.4's backend buckets, the contents of its snapshot file, to and from Keel's state. The
 * page format is keel-bbolt's; this class knows what etcd keeps in which bucket:
 *
 * <pre>
 *   key        main(8, big-endian) '_' sub(8) ['t' if a tombstone]  ->  mvccpb.KeyValue
 *              (a tombstone's record is the key alone), ascending by revision
 *   meta       consistent_index -> uint64; scheduledCompactRev, finishedCompactRev -> main '_' 0
 *   lease      ID(8, big-endian) -> leasepb.Lease
 *   auth       authEnabled -> {1} or {0}; authRevision -> uint64
 *   authUsers  name -> authpb.User        authRoles  name -> authpb.Role
 *   members    hex ID -> JSON {"id","peerURLs","isLearner"?,"name"?,"clientURLs"?}
 *   members_removed  hex ID -> "removed"       cluster  clusterVersion -> "3.4.0"
 *   alarm      AlarmMember{MemberID 1, Alarm 2} -> empty
 * </pre>
 *
 * <p>Reading rebuilds what etcd's {@code store.restore} does: the current revision is the newest
 * revision in {@code key} (at least the compaction revision), the compaction revision is the
 * scheduled one if present (etcd finishes an interrupted compaction on start), else the finished
 * one; a compaction that was scheduled but not finished is finished here, by keeping of each key
 * only its newest version at or below the compaction revision (if not a tombstone) and everything
 * after. The member tables are the old cluster's and are not read: the restored cluster's come
 * from its flags, as etcdutl's restore does.
 */
public final class EtcdBackend {
  static final String KEY = "key";
  static final String META = "meta";
  static final String LEASE = "lease";
  static final String AUTH = "auth";
  static final String AUTH_USERS = "authUsers";
  static final String AUTH_ROLES = "authRoles";
  static final String MEMBERS = "members";
  static final String MEMBERS_REMOVED = "members_removed";
  static final String CLUSTER = "cluster";
  static final String ALARM = "alarm";
  /** The version a snapshot Keel writes declares in {@code cluster}: the etcd it answers as. */
  static final String CLUSTER_VERSION = "3.4.0";

  private static final int REV_BYTES = 17;
  private static final byte[] NO_VALUE = new byte[0];

  private EtcdBackend() {}

  /** The top-level buckets of a file being read ({@code BoltReader::bucket}). */
  @FunctionalInterface
  public interface Source {
    BoltBucket bucket(String name) throws IOException;
  }

  /** The top-level buckets of a file being written, asked for in ascending name order ({@code BoltWriter::bucket}). */
  @FunctionalInterface
  public interface Target {
    BucketSink bucket(String name) throws IOException;
  }

  // ---------------------------------------------------------------- reading

  /**
   * The store and auth store an etcd backend holds. IOException naming what is wrong if it is not
   * etcd's (no {@code key} bucket) or breaks etcd's invariants, so a bad file never becomes a store.
   */
  public static Restored read(Source file) throws IOException {
    return read(file, true);
  }

  /**
   * As {@link #read(Source)}; without {@code values} every live version's value is left empty, for
   * a check that reads and validates every record as a restore does without holding the data.
   */
  public static Restored read(Source file, boolean values) throws IOException {
    BoltBucket keys = file.bucket(KEY);
    if (keys == null) {
      throw new IOException("not an etcd snapshot: it has no \"key\" bucket");
    }
    long compact = compactRevision(file.bucket(META));
    TreeMap<byte[], List<StoredVersion>> history = new TreeMap<>(Bytes::compare);
    long[] newest = {0};
    keys.forEach((rev, record) -> {
      boolean tombstone = rev.length == REV_BYTES + 1 && rev[REV_BYTES] == 't';
      if ((rev.length != REV_BYTES && !tombstone) || rev[8] != '_') {
        throw new IOException("corrupt etcd snapshot: bad revision key " + hex(rev) + " in \"key\"");
      }
      ByteBuffer b = ByteBuffer.wrap(rev);
      long main = b.getLong(0);
      long sub = b.getLong(9);
      if (main < 1 || sub < 0 || sub > Integer.MAX_VALUE) {
        throw new IOException("corrupt etcd snapshot: bad revision " + main + "_" + sub + " in \"key\"");
      }
      EtcdRecords.Kv kv = EtcdRecords.keyValue(record);
      if (kv.key().length == 0) {
        throw new IOException("corrupt etcd snapshot: no key in the record of revision " + main + "_" + sub);
      }
      KeyValue version = tombstone ? new KeyValue(kv.key(), 0, main, 0, new byte[0], 0)
          : new KeyValue(kv.key(), kv.createRevision(), main, kv.version(), values ? kv.value() : NO_VALUE, kv.lease());
      history.computeIfAbsent(kv.key(), k -> new ArrayList<>()).add(new StoredVersion(version, (int) sub));
      newest[0] = Math.max(newest[0], main);
    });
    try {
      StoreBuilder store = new StoreBuilder(Math.max(1, Math.max(newest[0], compact)), compact > 0 ? compact : -1);
      for (Map.Entry<Long, Long> l : leases(file.bucket(LEASE)).entrySet()) {
        store.lease(l.getKey(), l.getValue());
      }
      for (Map.Entry<byte[], List<StoredVersion>> k : history.entrySet()) {
        List<StoredVersion> kept = compacted(k.getValue(), compact);
        if (!kept.isEmpty()) {
          store.key(k.getKey(), kept);
        }
      }
      return new Restored(store.build(), auth(file));
    } catch (IllegalArgumentException e) {
      throw new IOException("corrupt etcd snapshot: " + e.getMessage(), e);
    }
  }

  /** The scheduled compaction revision, else the finished one, else 0. */
  private static long compactRevision(BoltBucket meta) throws IOException {
    if (meta == null) {
      return 0;
    }
    byte[] scheduled = meta.get("scheduledCompactRev".getBytes(StandardCharsets.US_ASCII));
    byte[] finished = meta.get("finishedCompactRev".getBytes(StandardCharsets.US_ASCII));
    byte[] rev = scheduled != null ? scheduled : finished;
    if (rev == null) {
      return 0;
    }
    if (rev.length != REV_BYTES) {
      throw new IOException("corrupt etcd snapshot: bad compaction revision in \"meta\"");
    }
    return ByteBuffer.wrap(rev).getLong(0);
  }

  /**
   * A key's versions as etcd keeps them once compacted at {@code compact}: the newest at or below
   * it unless it is a tombstone, and every later one. Versions are oldest first.
   */
  static List<StoredVersion> compacted(List<StoredVersion> versions, long compact) {
    int firstAfter = 0;
    while (firstAfter < versions.size() && versions.get(firstAfter).kv().modRevision() <= compact) {
      firstAfter++;
    }
    if (firstAfter == 0) {
      return versions;
    }
    StoredVersion atCompaction = versions.get(firstAfter - 1);
    int from = atCompaction.kv().version() == 0 ? firstAfter : firstAfter - 1;
    return versions.subList(from, versions.size());
  }

  private static TreeMap<Long, Long> leases(BoltBucket lease) throws IOException {
    TreeMap<Long, Long> ttls = new TreeMap<>();
    if (lease != null) {
      lease.forEach((id, record) -> {
        long[] idTtl = EtcdRecords.lease(record);
        if (id.length != 8 || ByteBuffer.wrap(id).getLong() != idTtl[0] || idTtl[0] == 0) {
          throw new IOException("corrupt etcd snapshot: bad lease " + hex(id) + " in \"lease\"");
        }
        ttls.put(idTtl[0], idTtl[1]);
      });
    }
    return ttls;
  }

  /** etcd's auth store; a new, disabled one if the file has none (etcd creates it so). */
  private static AuthState auth(Source file) throws IOException {
    BoltBucket auth = file.bucket(AUTH);
    if (auth == null) {
      return AuthState.INITIAL;
    }
    byte[] enabled = auth.get("authEnabled".getBytes(StandardCharsets.US_ASCII));
    byte[] revision = auth.get("authRevision".getBytes(StandardCharsets.US_ASCII));
    if (revision != null && revision.length != 8) {
      throw new IOException("corrupt etcd snapshot: bad authRevision in \"auth\"");
    }
    TreeMap<String, AuthState.User> users = new TreeMap<>();
    BoltBucket u = file.bucket(AUTH_USERS);
    if (u != null) {
      u.forEach((name, record) -> {
        AuthState.User user = EtcdRecords.user(record);
        users.put(user.name(), user);
      });
    }
    TreeMap<String, AuthState.Role> roles = new TreeMap<>();
    BoltBucket r = file.bucket(AUTH_ROLES);
    if (r != null) {
      r.forEach((name, record) -> {
        AuthState.Role role = EtcdRecords.role(record);
        roles.put(role.name(), role);
      });
    }
    return new AuthState(enabled != null && enabled.length == 1 && enabled[0] == 1,
        revision == null ? 1 : Math.max(1, ByteBuffer.wrap(revision).getLong()), users, roles);
  }

  // ---------------------------------------------------------------- writing

  /**
   * Writes the state as etcd 3.4's buckets, in name order. {@code members} may be null (no member
   * tables); {@code consistentIndex} is the Raft index the state is at (etcdutl's restore replaces it).
   */
  public static void write(StoreView store, AuthState auth, Membership.State members, long consistentIndex,
      Target file) throws IOException {
    long[] revisions = new long[2];
    List<LeaseInfo> leases = new ArrayList<>();
    List<StoredVersion> all = new ArrayList<>();
    store.export(new StoreSink() {
      @Override
      public void begin(long currentRevision, long compactMainRevision, List<LeaseInfo> l) {
        revisions[0] = currentRevision;
        revisions[1] = compactMainRevision;
        leases.addAll(l);
      }

      @Override
      public void key(byte[] key, List<StoredVersion> versions) {
        all.addAll(versions);
      }
    });
    all.sort(Comparator.comparingLong((StoredVersion v) -> v.kv().modRevision()).thenComparingInt(StoredVersion::subRevision));

    BucketSink alarm = file.bucket(ALARM);
    if (members != null) {
      for (Map.Entry<Long, Integer> a : sortedAlarms(members)) {
        alarm.put(EtcdRecords.alarmMember(a.getKey(), a.getValue()), new byte[0]);
      }
    }
    BucketSink a = file.bucket(AUTH);
    if (auth.enabled()) {
      a.put("authEnabled".getBytes(StandardCharsets.US_ASCII), new byte[] {1});
    }
    a.put("authRevision".getBytes(StandardCharsets.US_ASCII), uint64(auth.revision()));
    BucketSink roles = file.bucket(AUTH_ROLES);
    for (AuthState.Role r : auth.roles().values()) {
      roles.put(r.name().getBytes(StandardCharsets.UTF_8), EtcdRecords.role(r));
    }
    BucketSink users = file.bucket(AUTH_USERS);
    for (AuthState.User u : auth.users().values()) {
      users.put(u.name().getBytes(StandardCharsets.UTF_8), EtcdRecords.user(u));
    }
    file.bucket(CLUSTER).put("clusterVersion".getBytes(StandardCharsets.US_ASCII),
        CLUSTER_VERSION.getBytes(StandardCharsets.US_ASCII));
    BucketSink keys = file.bucket(KEY);
    for (StoredVersion v : all) {
      KeyValue kv = v.kv();
      boolean tombstone = kv.version() == 0;
      ByteBuffer rev = ByteBuffer.allocate(REV_BYTES + (tombstone ? 1 : 0));
      rev.putLong(kv.modRevision()).put((byte) '_').putLong(v.subRevision());
      if (tombstone) {
        rev.put((byte) 't');
      }
      keys.put(rev.array(), tombstone ? EtcdRecords.tombstone(kv.key()) : EtcdRecords.keyValue(kv));
    }
    BucketSink lease = file.bucket(LEASE);
    leases.stream().sorted(Comparator.comparing(l -> uint64(l.id()), Bytes::compare))
        .forEach(l -> put(lease, uint64(l.id()), EtcdRecords.lease(l.id(), l.ttlSeconds())));
    TreeMap<byte[], byte[]> current = new TreeMap<>(Bytes::compare);
    TreeMap<byte[], byte[]> gone = new TreeMap<>(Bytes::compare);
    if (members != null) {
      members.members().forEach((id, e) -> current.put(hexId(id), memberJson(id, e, members.published().get(id))));
      members.removed().forEach(id -> gone.put(hexId(id), "removed".getBytes(StandardCharsets.US_ASCII)));
    }
    putAll(file.bucket(MEMBERS), current); // a bucket ends when the next one starts
    putAll(file.bucket(MEMBERS_REMOVED), gone);
    BucketSink meta = file.bucket(META);
    meta.put("consistent_index".getBytes(StandardCharsets.US_ASCII), uint64(consistentIndex));
    if (revisions[1] > 0) {
      byte[] compact = ByteBuffer.allocate(REV_BYTES).putLong(revisions[1]).put((byte) '_').putLong(0).array();
      meta.put("finishedCompactRev".getBytes(StandardCharsets.US_ASCII), compact);
      meta.put("scheduledCompactRev".getBytes(StandardCharsets.US_ASCII), compact);
    }
  }

  private static List<Map.Entry<Long, Integer>> sortedAlarms(Membership.State members) {
    TreeMap<byte[], Map.Entry<Long, Integer>> byRecord = new TreeMap<>(Bytes::compare);
    members.alarms().forEach(a -> byRecord.put(EtcdRecords.alarmMember(a.getKey(), a.getValue()), a));
    return new ArrayList<>(byRecord.values());
  }

  private static void putAll(BucketSink sink, TreeMap<byte[], byte[]> pairs) throws IOException {
    for (Map.Entry<byte[], byte[]> e : pairs.entrySet()) {
      sink.put(e.getKey(), e.getValue());
    }
  }

  private static void put(BucketSink sink, byte[] key, byte[] value) {
    try {
      sink.put(key, value);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** etcd's types.ID.String(): lower-case hex without leading zeros. */
  private static byte[] hexId(long id) {
    return Long.toHexString(id).getBytes(StandardCharsets.US_ASCII);
  }

  /** What Go's json.Marshal makes of etcd's membership.Member. */
  private static byte[] memberJson(long id, Membership.Entry e, Membership.Attributes published) {
    StringBuilder s = new StringBuilder("{\"id\":").append(Long.toUnsignedString(id)).append(",\"peerURLs\":");
    strings(s, e.peerUrls());
    if (e.learner()) {
      s.append(",\"isLearner\":true");
    }
    if (published != null && !published.name().isEmpty()) {
      s.append(",\"name\":");
      string(s, published.name());
    }
    if (published != null && !published.clientUrls().isEmpty()) {
      s.append(",\"clientURLs\":");
      strings(s, published.clientUrls());
    }
    return s.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void strings(StringBuilder s, List<String> values) {
    s.append('[');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        s.append(',');
      }
      string(s, values.get(i));
    }
    s.append(']');
  }

  private static void string(StringBuilder s, String v) {
    s.append('"');
    for (char c : v.toCharArray()) {
      if (c == '"' || c == '\\') {
        s.append('\\').append(c);
      } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
        s.append(String.format("\\u%04x", (int) c));
      } else {
        s.append(c);
      }
    }
    s.append('"');
  }

  private static byte[] uint64(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x));
    }
    return s.toString();
  }
}
