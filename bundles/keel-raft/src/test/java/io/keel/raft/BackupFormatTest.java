package io.keel.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.kv.KeyValue;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RangeRequest;
import io.keel.mvcc.MvccStore;
import io.keel.raft.internal.StoreLeases;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backup is etcd's snapshot file and round-trips; Keel backups of earlier builds still restore. */
class BackupFormatTest {

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aBackupIsEtcdsSnapshotFileAndRestoresTheSameStore(@TempDir Path dir) throws IOException {
    MvccStore store = new MvccStore();
    StoreLeases.grant(store, 5, 60);
    store.put(new PutRequest(b("k"), b("v"), 5, false, false, false));
    store.put(PutRequest.of(b("k"), b("w")));
    byte[] backup = BackupFormat.backup(store);
    assertEquals(0, backup.length % BackupFormat.PAGE);
    assertEquals(0xED0CDAED, ByteBuffer.wrap(backup, 16, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(), "bbolt's magic");
    Path file = dir.resolve("backup.db");
    Files.write(file, backup);
    MvccStore restored = BackupFormat.restoreAll(file).store();
    assertEquals(store.currentRevision(), restored.currentRevision());
    assertEquals(store.hashKv(0), restored.hashKv(0));
    assertEquals(1, StoreLeases.leases(restored).size());
  }

  @Test
  void aKeelBackupOfAnEarlierBuildStillRestoresFromAFile(@TempDir Path dir) throws IOException {
    MvccStore store = new MvccStore();
    store.put(PutRequest.of(b("k"), b("v")));
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    io.keel.raft.internal.SnapshotFile.writeStore(store, body);
    Path file = dir.resolve("keel.db");
    Files.write(file, BackupFormat.frame(body.toByteArray()));
    assertEquals(store.hashKv(0), BackupFormat.restoreAll(file).store().hashKv(0));
  }

  @Test
  void aBackupOfThePreviousBuildStillRestores() throws IOException {
    byte[] saved; // as `etcdctl snapshot save` wrote it from a 0.1.0-SNAPSHOT member: the body, then SHA-256
    try (InputStream in = BackupFormatTest.class.getResourceAsStream("/legacy/keel-0.1.0-backup.db")) {
      saved = in.readAllBytes();
    }
    byte[] body = Arrays.copyOf(saved, saved.length - 32);
    MvccStore store = BackupFormat.restore(new ByteArrayInputStream(body));
    assertEquals(83, store.currentRevision());
    assertEquals(4, store.compactRevision());
    assertEquals(80, store.range(RangeRequest.of(new byte[] {0}, new byte[] {0})).count());
    KeyValue leased = store.range(RangeRequest.of(b("leased"), new byte[0])).kvs().get(0);
    assertEquals(0x609f6160d7a94287L, leased.lease());
    assertEquals(3600, StoreLeases.lease(store, 0x609f6160d7a94287L).orElseThrow().ttlSeconds());
  }

  @Test
  void aFileThatIsNeitherIsRefusedSayingSo(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("zeros.db");
    Files.write(file, new byte[8192]);
    IOException e = assertThrows(IOException.class, () -> BackupFormat.restoreAll(file));
    assertTrue(e.getMessage().startsWith("neither an etcd snapshot nor a Keel backup: "), e.getMessage());
  }

  @Test
  void anythingElseIsRefusedBeforeItBecomesAStore() {
    IOException e = assertThrows(IOException.class,
        () -> BackupFormat.restore(new ByteArrayInputStream(new byte[1024])));
    assertEquals("not a Keel backup", e.getMessage());
    byte[] framed = BackupFormat.frame(b("KEELSNAPgarbage"));
    assertThrows(IOException.class, () -> BackupFormat.restore(new ByteArrayInputStream(framed)));
  }

  /** Found by the fuzzer: a short file whose frame declares 2 GB was read into a 2 GB array first. */
  @Test
  void aShortKeelBackupIsRefusedAsTruncatedWithoutReadingItsDeclaredLength() {
    byte[] input = java.nio.ByteBuffer.allocate(24).put(BackupFormat.MAGIC).putLong(0x7d00010eL)
        .put(b("KEELSNAP")).array();
    IOException e = assertThrows(IOException.class, () -> BackupFormat.restore(new ByteArrayInputStream(input)));
    assertEquals("backup truncated: 8 of 2097152270 bytes", e.getMessage());
  }
}
