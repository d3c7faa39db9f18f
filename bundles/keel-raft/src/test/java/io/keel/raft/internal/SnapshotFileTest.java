package io.keel.raft.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keel.api.kv.Bytes;
import io.keel.api.kv.Compare;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RequestOp;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import io.keel.api.kv.TxnRequest;
import io.keel.mvcc.MvccStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The snapshot file: the whole state back, byte for byte, or an IOException; old formats still read. */
class SnapshotFileTest {

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static PutRequest put(String k, String v, long lease) {
    return new PutRequest(b(k), b(v), lease, false, false, false);
  }

  static DeleteRangeRequest del(String k) {
    return new DeleteRangeRequest(b(k), Bytes.EMPTY, false);
  }

  /** Deletes, a txn with several sub-revisions, leases with keys, a compaction. */
  static MvccStore rich() {
    MvccStore store = new MvccStore();
    StoreLeases.grant(store, 7, 30);
    StoreLeases.grant(store, -3, 5);
    store.put(put("a", "1", 0));
    store.put(put("b", "1", 7));
    store.put(put("a", "2", 0));
    store.deleteRange(del("a"));
    store.txn(new TxnRequest(List.of(new Compare(Compare.Result.EQUAL, Compare.Target.VERSION, b("a"), Bytes.EMPTY,
        0, Bytes.EMPTY)), List.<RequestOp>of(put("c", "x", 0), put("d", "y", -3), del("b")), List.of()));
    store.put(put("é", "", 0));
    store.compact(4);
    store.put(put("a", "3", 7));
    return store;
  }

  static Membership.State members() {
    Map<Long, Membership.Entry> entries = new TreeMap<>(Map.of(
        1L, new Membership.Entry(List.of("http://a:2380"), false),
        0xfedcba9876543210L, new Membership.Entry(List.of("http://b:2380", "http://b2:2380"), true)));
    Map<Long, Membership.Attributes> published = new TreeMap<>(Map.of(
        1L, new Membership.Attributes("a", List.of("http://a:2379"))));
    return new Membership.State(entries, published, 0x1234L, List.of(Map.entry(1L, 1)), List.of(9L),
        List.of("http://old:2380"));
  }

  static byte[] snapshot(MvccStore store, Membership.State members, Map<Long, Long> checkpoints) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (io.keel.mvcc.StoreView view = store.view()) {
      SnapshotFile.write(view, members, checkpoints, null, out);
    }
    return out.toByteArray();
  }

  static byte[] snapshot(MvccStore store) throws IOException {
    return snapshot(store, members(), Map.of(7L, 12_000L, -3L, 800L));
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
  void roundTripIsTheSameStateAndTheSameBytes() throws IOException {
    MvccStore original = rich();
    byte[] bytes = snapshot(original);
    SnapshotFile.Contents read = SnapshotFile.read(new ByteArrayInputStream(bytes));
    MvccStore restored = read.store();
    assertEquals(original.currentRevision(), restored.currentRevision());
    assertEquals(original.compactRevision(), restored.compactRevision());
    assertEquals(history(original), history(restored));
    assertEquals(leases(original), leases(restored));
    assertEquals(original.approximateSizeBytes(), restored.approximateSizeBytes());
    assertEquals(original.hashKv(0), restored.hashKv(0));
    assertEquals(members(), read.members());
    assertEquals(Map.of(7L, 12_000L, -3L, 800L), read.checkpoints());
    assertArrayEquals(bytes, snapshot(restored, read.members(), read.checkpoints()));
  }

  @Test
  void aBackupHoldsTheStoreAlone() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SnapshotFile.writeStore(rich(), out);
    SnapshotFile.Contents read = SnapshotFile.read(new ByteArrayInputStream(out.toByteArray()));
    assertNull(read.members());
    assertEquals(Map.of(), read.checkpoints());
    assertEquals(history(rich()), history(SnapshotFile.readStore(new ByteArrayInputStream(out.toByteArray()))));
    assertEquals(history(rich()), history(SnapshotFile.readStore(new ByteArrayInputStream(snapshot(rich())))),
        "a raft snapshot's member table is skipped");
  }

  static io.keel.auth.AuthState authState() {
    io.keel.auth.AuthStore auth = new io.keel.auth.AuthStore(new io.keel.auth.SimpleTokens(300, System::nanoTime));
    auth.applyUserAdd("root", "$2a$04$hashhashhashhashhashhu", false);
    auth.applyUserGrantRole("root", "root");
    auth.applyUserAdd("cn-only", "", true);
    auth.applyRoleAdd("reader");
    auth.applyRoleGrantPermission("reader", new io.keel.api.auth.Permission(io.keel.api.auth.Permission.Type.READ,
        "a/".getBytes(StandardCharsets.UTF_8), "a0".getBytes(StandardCharsets.UTF_8)));
    auth.applyRoleGrantPermission("reader", new io.keel.api.auth.Permission(
        io.keel.api.auth.Permission.Type.READWRITE, new byte[] {(byte) 0xff}, new byte[] {0}));
    auth.applyUserGrantRole("cn-only", "reader");
    auth.applyEnable();
    return auth.state();
  }

  @Test
  void theAuthStoreTravelsInSnapshotsAndBackups() throws IOException {
    io.keel.auth.AuthState auth = authState();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (io.keel.mvcc.StoreView view = rich().view()) {
      SnapshotFile.write(view, members(), Map.of(), auth, out);
    }
    SnapshotFile.Contents loaded = SnapshotFile.read(new ByteArrayInputStream(out.toByteArray()));
    assertEquals(auth, loaded.auth());
    assertEquals(history(rich()), history(loaded.store()));

    ByteArrayOutputStream backup = new ByteArrayOutputStream();
    SnapshotFile.writeBackup(rich(), auth, backup);
    SnapshotFile.Restored restored = SnapshotFile.readBackup(new ByteArrayInputStream(backup.toByteArray()));
    assertEquals(auth, restored.auth());
    assertEquals(history(rich()), history(restored.store()));
  }

  @Test
  void aSnapshotFromBeforeAuthLoadsANewDisabledAuthStore() throws IOException {
    SnapshotFile.Contents loaded = SnapshotFile.read(new ByteArrayInputStream(snapshot(rich())));
    assertEquals(io.keel.auth.AuthState.INITIAL, loaded.auth());
    assertEquals(io.keel.auth.AuthState.INITIAL,
        SnapshotFile.readBackup(new ByteArrayInputStream(snapshot(rich()))).auth());
  }

  @Test
  void emptyStore() throws IOException {
    MvccStore restored = SnapshotFile.read(new ByteArrayInputStream(snapshot(new MvccStore()))).store();
    assertEquals(1, restored.currentRevision());
    assertEquals(0, restored.compactRevision());
    assertEquals(2, restored.put(PutRequest.of(b("k"), b("v"))).revision());
  }

  @Test
  void everySingleByteCorruptionIsRefused() throws IOException {
    byte[] bytes = snapshot(rich());
    for (int i = 0; i < bytes.length; i++) {
      byte[] bad = bytes.clone();
      bad[i] ^= 0x5a;
      assertThrows(IOException.class, () -> SnapshotFile.read(new ByteArrayInputStream(bad)), "byte " + i);
    }
  }

  @Test
  void everyTruncationAndAnythingAfterTheEndIsRefused() throws IOException {
    byte[] bytes = snapshot(rich());
    for (int length = 0; length < bytes.length; length++) {
      byte[] cut = Arrays.copyOf(bytes, length);
      assertThrows(IOException.class, () -> SnapshotFile.read(new ByteArrayInputStream(cut)), "length " + length);
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThrows(IOException.class, () -> SnapshotFile.read(new ByteArrayInputStream(longer)));
  }

  /** An old members.snap as the previous build wrote it (Membership.write, then the checkpoints). */
  @Test
  void readsTheOldMemberTable() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(bytes);
    d.writeInt(4);
    d.writeInt(1); // published
    d.writeLong(1);
    d.writeUTF("a");
    d.writeInt(1);
    d.writeUTF("http://a:2379");
    d.writeInt(2); // members
    d.writeLong(1);
    d.writeBoolean(false);
    d.writeInt(1);
    d.writeUTF("http://a:2380");
    d.writeLong(0xfedcba9876543210L);
    d.writeBoolean(true);
    d.writeInt(2);
    d.writeUTF("http://b:2380");
    d.writeUTF("http://b2:2380");
    d.writeLong(0x1234L);
    d.writeInt(1); // alarms
    d.writeLong(1);
    d.writeInt(1);
    d.writeInt(1); // removed
    d.writeLong(9);
    d.writeInt(1); // retired
    d.writeUTF("http://old:2380");
    d.writeInt(2); // checkpoints
    d.writeLong(7);
    d.writeLong(12_000);
    d.writeLong(-3);
    d.writeLong(800);
    LegacySnapshot.Members read = LegacySnapshot.readMembers(new ByteArrayInputStream(bytes.toByteArray()));
    assertEquals(members(), read.table());
    assertEquals(Map.of(7L, 12_000L, -3L, 800L), read.checkpoints());
  }

  @Test
  void anOldStoreSnapshotIsCheckedAsBefore() throws IOException {
    byte[] old = oldBackupBody();
    MvccStore store = SnapshotFile.readStore(new ByteArrayInputStream(old));
    assertEquals(83, store.currentRevision());
    for (int i = 0; i < old.length; i++) {
      byte[] bad = old.clone();
      bad[i] ^= 0x5a;
      assertThrows(IOException.class, () -> SnapshotFile.readStore(new ByteArrayInputStream(bad)), "byte " + i);
    }
  }

  /** The store snapshot inside the previous build's backup (KEELBAK1, length, KEELMVCC ...). */
  static byte[] oldBackupBody() throws IOException {
    byte[] backup;
    try (var in = SnapshotFileTest.class.getResourceAsStream("/legacy/keel-0.1.0-backup.db")) {
      backup = in.readAllBytes();
    }
    long length = java.nio.ByteBuffer.wrap(backup, 8, 8).getLong();
    return Arrays.copyOfRange(backup, 16, 16 + (int) length);
  }
}
