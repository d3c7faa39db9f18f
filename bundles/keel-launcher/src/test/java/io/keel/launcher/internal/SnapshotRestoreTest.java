package io.keel.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.kv.PutRequest;
import io.keel.bbolt.BoltWriter;
import io.keel.mvcc.MvccStore;
import io.keel.raft.BackupFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Refusals, and what a restore writes; restores that a member then serves are covered end to end by the black-box SnapshotBackupIT. */
class SnapshotRestoreTest {
  @TempDir Path work;
  private final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  /** {@code body} followed by its SHA-256, as etcdctl snapshot save writes a file. */
  private Path saved(byte[] body) throws Exception {
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
    byte[] file = Arrays.copyOf(body, body.length + hash.length);
    System.arraycopy(hash, 0, file, body.length, hash.length);
    return Files.write(work.resolve("backup.db"), file);
  }

  private LaunchException refused(Path file, String dir, boolean skipHashCheck) {
    return assertThrows(LaunchException.class,
        () -> SnapshotRestore.run(work, file.toString(), dir, skipHashCheck, out));
  }

  /** etcd's snapshot file of a small store, as Keel's Maintenance.Snapshot makes it (without trailer). */
  private static byte[] etcdSnapshot() throws Exception {
    MvccStore store = new MvccStore();
    store.put(PutRequest.of("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)));
    return BackupFormat.backup(store);
  }

  @Test
  void anEtcdSnapshotIsCheckedThenCopiedWithoutItsTrailer() throws Exception {
    byte[] body = etcdSnapshot();
    SnapshotRestore.run(work, saved(body).toString(), "dd", false, out);
    assertArrayEquals(body, Files.readAllBytes(work.resolve("dd/restore/kv.snap")));
  }

  @Test
  void aBboltFileThatIsNotEtcdsIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path foreign = work.resolve("foreign.bolt");
    try (BoltWriter w = BoltWriter.create(foreign)) {
      w.bucket("widgets").put("x".getBytes(StandardCharsets.UTF_8), "y".getBytes(StandardCharsets.UTF_8));
      w.finish();
    }
    LaunchException e = refused(saved(Files.readAllBytes(foreign)), "dd", false);
    assertEquals(1, e.exitCode());
    assertTrue(e.getMessage().endsWith("not an etcd snapshot: it has no \"key\" bucket"), e.getMessage());
    assertFalse(Files.exists(work.resolve("dd")));
  }

  @Test
  void aTruncatedSnapshotIsRefusedBeforeAnythingIsWritten() throws Exception {
    byte[] body = etcdSnapshot();
    Path file = Files.write(work.resolve("cut.db"), Arrays.copyOf(body, body.length / 2));
    LaunchException e = refused(file, "dd", true); // a truncated file has no trailer left to check
    assertEquals(1, e.exitCode());
    assertTrue(e.getMessage().startsWith("snapshot restore: "), e.getMessage());
    assertFalse(Files.exists(work.resolve("dd")));
  }

  @Test
  void skippingTheHashCheckStillChecksTheFormat() throws Exception {
    LaunchException e = refused(Files.write(work.resolve("x.db"), new byte[2048]), "dd", true);
    assertTrue(e.getMessage().contains("neither an etcd snapshot nor a Keel backup"), e.getMessage());
    assertFalse(Files.exists(work.resolve("dd")));
  }

  @Test
  void aCorruptFileFailsTheIntegrityCheck() throws Exception {
    Path file = saved(new byte[1024]);
    byte[] bytes = Files.readAllBytes(file);
    bytes[100] ^= 1;
    Files.write(file, bytes);
    LaunchException e = refused(file, "dd", false);
    assertEquals("snapshot restore: snapshot file integrity check failed (sha256 mismatch)", e.getMessage());
    assertFalse(Files.exists(work.resolve("dd")));
  }

  @Test
  void anEmptyDataDirGivenIsLeftEmptyWhenTheFileIsRefused() throws Exception {
    Files.createDirectories(work.resolve("dd"));
    Path file = saved(etcdSnapshot());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 1; // the trailer: the body is a good snapshot, its hash is wrong
    Files.write(file, bytes);
    LaunchException e = refused(file, "dd", false);
    assertEquals("snapshot restore: snapshot file integrity check failed (sha256 mismatch)", e.getMessage());
    try (java.util.stream.Stream<Path> left = Files.list(work.resolve("dd"))) {
      assertEquals(List.of(), left.toList());
    }
  }

  @Test
  void aFileTooShortForItsHashIsRefused() throws Exception {
    Path file = Files.write(work.resolve("short.db"), new byte[32]);
    assertTrue(refused(file, "dd", false).getMessage().contains("too short"));
  }

  @Test
  void aDataDirThatHoldsSomethingIsNotOverwritten() throws Exception {
    Files.createDirectories(work.resolve("dd"));
    Files.writeString(work.resolve("dd/keep"), "x");
    assertEquals("snapshot restore: data-dir \"dd\" exists", refused(saved(new byte[1024]), "dd", false).getMessage());
    assertEquals("x", Files.readString(work.resolve("dd/keep")));
  }

  @Test
  void aMissingFileIsNamed() {
    LaunchException e = refused(work.resolve("nope.db"), "dd", false);
    assertEquals(1, e.exitCode());
    assertTrue(e.getMessage().startsWith("snapshot restore: no such file: "), e.getMessage());
  }
}
