package io.keel.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keel.api.kv.KeyValue;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RangeRequest;
import io.keel.mvcc.MvccStore;
import io.keel.raft.internal.StoreLeases;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A backup in etcd's framing: the new body round-trips, a backup of the previous build still restores. */
class BackupFormatTest {

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aBackupRestoresTheSameStoreAndFillsWholePages() throws IOException {
    MvccStore store = new MvccStore();
    StoreLeases.grant(store, 5, 60);
    store.put(new PutRequest(b("k"), b("v"), 5, false, false, false));
    store.put(PutRequest.of(b("k"), b("w")));
    byte[] framed = BackupFormat.backup(store);
    assertEquals(0, framed.length % BackupFormat.PAGE);
    MvccStore restored = BackupFormat.restore(new ByteArrayInputStream(framed));
    assertEquals(store.currentRevision(), restored.currentRevision());
    assertEquals(store.hashKv(0), restored.hashKv(0));
    assertEquals(1, StoreLeases.leases(restored).size());
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
  void anythingElseIsRefusedBeforeItBecomesAStore() {
    IOException e = assertThrows(IOException.class,
        () -> BackupFormat.restore(new ByteArrayInputStream(new byte[1024])));
    assertEquals("not a Keel backup (etcd's bbolt snapshots cannot be restored into Keel)", e.getMessage());
    byte[] framed = BackupFormat.frame(b("KEELSNAPgarbage"));
    assertThrows(IOException.class, () -> BackupFormat.restore(new ByteArrayInputStream(framed)));
  }
}
