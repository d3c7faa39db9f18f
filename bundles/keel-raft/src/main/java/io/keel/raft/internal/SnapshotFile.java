package io.keel.raft.internal;

import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.keel.api.kv.KeyValue;
import io.keel.mvcc.LeaseInfo;
import io.keel.mvcc.MvccStore;
import io.keel.mvcc.StoreBuilder;
import io.keel.mvcc.StoreSink;
import io.keel.mvcc.StoreView;
import io.keel.mvcc.StoredVersion;
import io.keel.raft.internal.proto.KeyHistory;
import io.keel.raft.internal.proto.Lease;
import io.keel.raft.internal.proto.LeaseCheckpoint;
import io.keel.raft.internal.proto.MemberTable;
import io.keel.raft.internal.proto.SnapshotEnd;
import io.keel.raft.internal.proto.SnapshotHeader;
import io.keel.raft.internal.proto.SnapshotRecord;
import io.keel.raft.internal.proto.Version;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.keel.auth.AuthState;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Keel's snapshot format, the one owner of it: everything a Raft snapshot holds (the MVCC store,
 * the member table, the lease checkpoints) in one file, {@value #FILE}, laid out as {@code
 * snapshot.proto} describes: the magic "KEELSNAP", then length-delimited {@link SnapshotRecord}s
 * (a header, one per key in key order, an end record with the key count and a CRC32C of every
 * byte before it). A backup carries the same stream without member table and checkpoints.
 *
 * <p>Versions: snapshots and backups written by earlier builds (kv.snap + members.snap, or a
 * backup whose body starts "KEELMVCC") are read by {@link LegacySnapshot}; a snapshot names its
 * format by its file name, a backup body by its magic. Within this format, protobuf's rules apply:
 * new fields take new numbers, and a reader ignores the fields it does not know.
 *
 * <p>Reading checks the magic, the record order, the store's invariants ({@link StoreBuilder}),
 * the key count and the checksum, and that nothing follows the end record: any mismatch is an
 * IOException, so a damaged snapshot never becomes a store.
 */
public final class SnapshotFile {
  static final String FILE = "state.snap";
  static final byte[] MAGIC = "KEELSNAP".getBytes(StandardCharsets.US_ASCII);
  private static final int BUFFER = 1 << 16;

  private SnapshotFile() {}

  /** What a Raft snapshot holds; {@code members} is null for a snapshot that had no member table. */
  record Contents(MvccStore store, Membership.State members, Map<Long, Long> checkpoints, AuthState auth, byte[] v2) {
    /** What a snapshot without an auth store means: a new, disabled one (and no v2 store). */
    Contents(MvccStore store, Membership.State members, Map<Long, Long> checkpoints) {
      this(store, members, checkpoints, AuthState.INITIAL, null);
    }
  }

  /**
   * Writes the state into the snapshot being taken and adds the file to it, synced to disk. The view
   * and the other parts must all have been taken on the FSM thread at the snapshot's index; the
   * writing may run on any thread while the log goes on being applied.
   */
  static void save(SnapshotWriter writer, StoreView store, Membership.State members, Map<Long, Long> checkpoints,
      AuthState auth, byte[] v2) throws IOException {
    Path file = Path.of(writer.getPath(), FILE);
    try (FileOutputStream fos = new FileOutputStream(file.toFile())) {
      OutputStream out = new BufferedOutputStream(fos, BUFFER);
      write(store, members, checkpoints, auth, v2, out);
      out.flush();
      fos.getFD().sync();
    }
    if (!writer.addFile(FILE)) {
      throw new IOException("could not add " + FILE + " to the snapshot");
    }
  }

  /** The state a snapshot holds, whichever format wrote it. */
  static Contents load(SnapshotReader reader) throws IOException {
    Path dir = Path.of(reader.getPath());
    if (reader.getFileMeta(FILE) != null) {
      try (InputStream in = Files.newInputStream(dir.resolve(FILE))) {
        return read(in);
      }
    }
    if (reader.getFileMeta(LegacySnapshot.STORE_FILE) == null) {
      throw new IOException("snapshot holds neither " + FILE + " nor " + LegacySnapshot.STORE_FILE + ": " + dir);
    }
    MvccStore store;
    try (InputStream in = Files.newInputStream(dir.resolve(LegacySnapshot.STORE_FILE))) {
      store = LegacySnapshot.readStore(in);
    }
    Path members = dir.resolve(LegacySnapshot.MEMBERS_FILE);
    if (!Files.exists(members)) {
      return new Contents(store, null, Map.of());
    }
    try (InputStream in = Files.newInputStream(members)) {
      LegacySnapshot.Members m = LegacySnapshot.readMembers(in);
      return new Contents(store, m.table(), m.checkpoints());
    }
  }

  /** The store alone, as a backup carries it. Does not close {@code out}. */
  public static void writeStore(MvccStore store, OutputStream out) throws IOException {
    try (StoreView view = store.view()) {
      write(view, null, Map.of(), null, out);
    }
  }

  /** The store and the auth store, as a backup carries them. Does not close {@code out}. */
  public static void writeBackup(MvccStore store, AuthState auth, OutputStream out) throws IOException {
    try (StoreView view = store.view()) {
      write(view, null, Map.of(), auth, out);
    }
  }

  /** A backup body's store and auth store (a new, disabled one if the backup has none). */
  public static Restored readBackup(InputStream in) throws IOException {
    byte[] magic = in.readNBytes(MAGIC.length);
    InputStream whole = new SequenceInputStream(new ByteArrayInputStream(magic), in);
    if (Arrays.equals(magic, LegacySnapshot.STORE_MAGIC)) {
      return new Restored(LegacySnapshot.readStore(whole), AuthState.INITIAL);
    }
    Contents c = read(whole);
    return new Restored(c.store(), c.auth());
  }

  /** What a backup restores: the key-value state and the auth store. */
  public record Restored(MvccStore store, AuthState auth) {}

  /**
   * The store of a backup body, written by this format or the earlier one; a member table or
   * checkpoints in it are ignored (a restored cluster has its own). IOException if it is neither,
   * or damaged.
   */
  public static MvccStore readStore(InputStream in) throws IOException {
    byte[] magic = in.readNBytes(MAGIC.length);
    InputStream whole = new SequenceInputStream(new ByteArrayInputStream(magic), in);
    if (Arrays.equals(magic, LegacySnapshot.STORE_MAGIC)) {
      return LegacySnapshot.readStore(whole);
    }
    return read(whole).store();
  }

  // ---------------------------------------------------------------- writing

  static void write(StoreView store, Membership.State members, Map<Long, Long> checkpoints, AuthState auth,
      OutputStream stream) throws IOException {
    write(store, members, checkpoints, auth, null, stream);
  }

  /** As above, with etcd's v2 store (null when there is none to keep). */
  static void write(StoreView store, Membership.State members, Map<Long, Long> checkpoints, AuthState auth,
      byte[] v2, OutputStream stream) throws IOException {
    CRC32C crc = new CRC32C();
    CheckedOutputStream checked = new CheckedOutputStream(stream, crc);
    checked.write(MAGIC);
    CodedOutputStream out = CodedOutputStream.newInstance(checked, BUFFER);
    long[] keys = new long[1];
    store.export(new StoreSink() {
      @Override
      public void begin(long currentRevision, long compactMainRevision, List<LeaseInfo> leases) throws IOException {
        SnapshotHeader.Builder h = SnapshotHeader.newBuilder().setCurrentRevision(currentRevision)
            .setCompactRevision(compactMainRevision);
        leases.forEach(l -> h.addLeases(Lease.newBuilder().setId(l.id()).setTtlSeconds(l.ttlSeconds())));
        if (members != null) {
          h.setMembers(table(members));
        }
        if (auth != null) {
          h.setAuth(AuthSnapshot.message(auth));
        }
        if (v2 != null) {
          h.setV2Store(com.google.protobuf.ByteString.copyFrom(v2));
        }
        new TreeMap<>(checkpoints).forEach((id, ms) -> h.addCheckpoints(
            LeaseCheckpoint.newBuilder().setId(id).setRemainingMs(ms)));
        record(out, SnapshotRecord.newBuilder().setHeader(h).build());
      }

      @Override
      public void key(byte[] key, List<StoredVersion> versions) throws IOException {
        KeyHistory.Builder k = KeyHistory.newBuilder().setKey(KvMessages.wrap(key));
        for (StoredVersion v : versions) {
          KeyValue kv = v.kv();
          k.addVersions(Version.newBuilder().setModRevision(kv.modRevision()).setSubRevision(v.subRevision())
              .setCreateRevision(kv.createRevision()).setVersion(kv.version()).setLease(kv.lease())
              .setValue(KvMessages.wrap(kv.value())));
        }
        record(out, SnapshotRecord.newBuilder().setKey(k).build());
        keys[0]++;
      }
    });
    out.flush(); // the checksum now covers every byte so far
    SnapshotEnd end = SnapshotEnd.newBuilder().setKeys(keys[0]).setCrc32C((int) crc.getValue()).build();
    record(out, SnapshotRecord.newBuilder().setEnd(end).build());
    out.flush();
  }

  private static void record(CodedOutputStream out, SnapshotRecord record) throws IOException {
    out.writeUInt32NoTag(record.getSerializedSize());
    record.writeTo(out);
  }

  private static MemberTable table(Membership.State s) {
    MemberTable.Builder t = MemberTable.newBuilder().setClusterId(s.clusterId());
    s.members().forEach((id, e) -> t.addMembers(MemberTable.Entry.newBuilder().setId(id)
        .addAllPeerUrls(e.peerUrls()).setLearner(e.learner())));
    s.published().forEach((id, a) -> t.addPublished(MemberTable.Published.newBuilder().setId(id)
        .setName(a.name()).addAllClientUrls(a.clientUrls())));
    s.alarms().forEach(a -> t.addAlarms(MemberTable.Alarm.newBuilder().setMemberId(a.getKey()).setAlarm(a.getValue())));
    t.addAllRemoved(s.removed());
    t.addAllRetiredPeerUrls(s.retired());
    return t.build();
  }

  // ---------------------------------------------------------------- reading

  static Contents read(InputStream stream) throws IOException {
    CRC32C crc = new CRC32C();
    InputStream in = new CheckedInputStream(new BufferedInputStream(stream, BUFFER), crc);
    if (!Arrays.equals(in.readNBytes(MAGIC.length), MAGIC)) {
      throw new IOException("not a Keel snapshot");
    }
    SnapshotRecord first = next(in);
    if (first == null || !first.hasHeader()) {
      throw corrupt("no header");
    }
    SnapshotHeader h = first.getHeader();
    try {
      StoreBuilder store = new StoreBuilder(h.getCurrentRevision(), h.getCompactRevision());
      h.getLeasesList().forEach(l -> store.lease(l.getId(), l.getTtlSeconds()));
      long keys = 0;
      while (true) {
        long sum = crc.getValue();
        SnapshotRecord r = next(in);
        if (r == null) {
          throw new EOFException("Keel snapshot truncated");
        }
        if (r.hasKey()) {
          byte[] key = r.getKey().getKey().toByteArray();
          store.key(key, versions(key, r.getKey()));
          keys++;
        } else if (r.hasEnd()) {
          if (r.getEnd().getKeys() != keys || r.getEnd().getCrc32C() != (int) sum) {
            throw corrupt("checksum mismatch");
          }
          break;
        } else {
          throw corrupt("record out of place");
        }
      }
      if (in.read() != -1) {
        throw corrupt("bytes after the end record");
      }
      Map<Long, Long> checkpoints = new TreeMap<>();
      h.getCheckpointsList().forEach(c -> checkpoints.put(c.getId(), c.getRemainingMs()));
      return new Contents(store.build(), h.hasMembers() ? state(h.getMembers()) : null, checkpoints,
          h.hasAuth() ? AuthSnapshot.state(h.getAuth()) : AuthState.INITIAL,
          h.getV2Store().isEmpty() ? null : h.getV2Store().toByteArray());
    } catch (IllegalArgumentException e) {
      throw corrupt(e.getMessage());
    }
  }

  /** The next length-delimited record, parsed aliased to its bytes (copied once more, into the store); null at the end. */
  private static SnapshotRecord next(InputStream in) throws IOException {
    int first = in.read();
    if (first == -1) {
      return null;
    }
    int length = CodedInputStream.readRawVarint32(first, in);
    if (length < 0) {
      throw corrupt("record length");
    }
    byte[] bytes = in.readNBytes(length); // grows as data arrives: a corrupt length cannot exhaust memory
    if (bytes.length != length) {
      throw new EOFException("Keel snapshot truncated");
    }
    CodedInputStream record = CodedInputStream.newInstance(bytes);
    record.enableAliasing(true);
    return SnapshotRecord.parseFrom(record);
  }

  private static List<StoredVersion> versions(byte[] key, KeyHistory k) {
    List<StoredVersion> out = new ArrayList<>(k.getVersionsCount());
    for (Version v : k.getVersionsList()) {
      out.add(new StoredVersion(new KeyValue(key, v.getCreateRevision(), v.getModRevision(), v.getVersion(),
          v.getValue().toByteArray(), v.getLease()), v.getSubRevision()));
    }
    return out;
  }

  private static Membership.State state(MemberTable t) {
    Map<Long, Membership.Entry> members = new TreeMap<>();
    t.getMembersList().forEach(e -> members.put(e.getId(), new Membership.Entry(List.copyOf(e.getPeerUrlsList()),
        e.getLearner())));
    Map<Long, Membership.Attributes> published = new TreeMap<>();
    t.getPublishedList().forEach(p -> published.put(p.getId(), new Membership.Attributes(p.getName(),
        List.copyOf(p.getClientUrlsList()))));
    List<Map.Entry<Long, Integer>> alarms = new ArrayList<>();
    t.getAlarmsList().forEach(a -> alarms.add(Map.entry(a.getMemberId(), a.getAlarm())));
    return new Membership.State(members, published, t.getClusterId(), alarms, List.copyOf(t.getRemovedList()),
        List.copyOf(t.getRetiredPeerUrlsList()));
  }

  private static IOException corrupt(String what) {
    return new IOException("corrupt Keel snapshot: " + what);
  }
}
