package io.keel.raft;

import io.keel.auth.AuthState;
import io.keel.bbolt.BoltFormatException;
import io.keel.bbolt.BoltReader;
import io.keel.bbolt.BoltWriter;
import io.keel.mvcc.MvccStore;
import io.keel.mvcc.StoreView;
import io.keel.raft.internal.Membership;
import io.keel.raft.internal.SnapshotFile;
import io.keel.raft.internal.etcd.EtcdBackend;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The body of a backup as {@code Maintenance.Snapshot} streams it: etcd 3.4's own snapshot file, a
 * bbolt database of etcd's buckets ({@link EtcdBackend}), so that {@code etcdctl snapshot
 * status/restore} read Keel's backups and Keel restores etcd's. The caller appends the SHA-256
 * trailer, as etcd's server does.
 *
 * <p>Backups made by earlier builds are Keel's own format in etcd's framing, still restored: magic
 * {@code KEELBAK1}, the store snapshot's length, the store snapshot ({@link SnapshotFile}'s stream
 * without member table, or an even earlier store format), then zero padding to a multiple of 512
 * bytes (etcdctl only accepts a snapshot whose size is a multiple of 512 plus the 32-byte SHA-256).
 * {@link #restoreAll(Path, long)} tells the two apart by their first bytes.
 */
public final class BackupFormat {
  static final byte[] MAGIC = "KEELBAK1".getBytes(StandardCharsets.US_ASCII);
  static final int PAGE = 512;

  private BackupFormat() {}

  /** The backup of {@code store} with a new auth store and no member table (the caller holds a linearizable point). */
  public static byte[] backup(MvccStore store) throws IOException {
    return backup(store, AuthState.INITIAL);
  }

  /** The backup of {@code store} and the auth store, without member table. */
  public static byte[] backup(MvccStore store, AuthState auth) throws IOException {
    return backup(store, auth, null, store.currentRevision());
  }

  /**
   * etcd's snapshot file of the store, the auth store and the member table ({@code members} may be
   * null), at Raft index {@code index}; without the SHA-256 trailer.
   */
  public static byte[] backup(MvccStore store, AuthState auth, Membership.State members, long index)
      throws IOException {
    Path file = Files.createTempFile("keel-backup", ".db");
    try {
      Files.delete(file); // BoltWriter makes the file itself
      try (StoreView view = store.view(); BoltWriter writer = BoltWriter.create(file)) {
        EtcdBackend.write(view, auth, members, index, writer::bucket);
        writer.finish();
      }
      return Files.readAllBytes(file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * The store and auth store of the backup in the first {@code length} bytes of {@code file} (the
   * SHA-256 trailer, checked by the caller, left out): etcd's snapshot file, or a Keel backup of an
   * earlier build. IOException saying what is wrong if it is neither, or damaged. Reads the whole
   * backup, so it also serves to check one before anything is written.
   */
  public static SnapshotFile.Restored restoreAll(Path file, long length) throws IOException {
    return read(file, length, true);
  }

  private static SnapshotFile.Restored read(Path file, long length, boolean values) throws IOException {
    byte[] magic;
    try (InputStream in = Files.newInputStream(file)) {
      magic = in.readNBytes(MAGIC.length);
    }
    if (Arrays.equals(magic, MAGIC)) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
        return restoreAll(in);
      }
    }
    try (BoltReader reader = BoltReader.open(file, length)) {
      reader.check(); // every page, also of the buckets a restore does not read (members, cluster, alarm)
      return EtcdBackend.read(reader::bucket, values);
    } catch (BoltFormatException e) {
      throw new IOException("neither an etcd snapshot nor a Keel backup: " + e.getMessage(), e);
    }
  }

  /** {@link #restoreAll(Path, long)} over the whole file. */
  public static SnapshotFile.Restored restoreAll(Path file) throws IOException {
    return restoreAll(file, Files.size(file));
  }

  /** The store and auth store a framed Keel backup holds; IOException as {@link #restore}. */
  public static SnapshotFile.Restored restoreAll(InputStream framed) throws IOException {
    return SnapshotFile.readBackup(unframe(framed));
  }

  /**
   * The store a framed backup holds (without etcd's SHA-256 trailer, which the caller checked);
   * IOException if it is not a Keel backup or is damaged. Reads the whole backup, so it also
   * serves to check one before anything is written.
   */
  public static MvccStore restore(InputStream framed) throws IOException {
    return SnapshotFile.readStore(unframe(framed));
  }

  static byte[] frame(byte[] state) {
    int raw = MAGIC.length + 8 + state.length;
    int padded = (raw + PAGE - 1) / PAGE * PAGE;
    ByteBuffer b = ByteBuffer.allocate(padded);
    b.put(MAGIC).putLong(state.length).put(state);
    return b.array();
  }

  /**
   * Fails unless {@code body} (a backup without etcd's SHA-256 trailer) is one Keel can restore:
   * the framing and the whole store snapshot inside it decode, exactly as a restored member will
   * decode them. Writes nothing; bin/keel's {@code snapshot restore} runs it before it writes.
   */
  public static void check(InputStream body) throws IOException {
    restore(body);
  }

  /**
   * As above, for either format: the first {@code length} bytes of {@code file}. An etcd snapshot's
   * records are all decoded and checked, its values not kept, so a check needs a fraction of the
   * heap the restored store will.
   */
  public static void check(Path file, long length) throws IOException {
    read(file, length, false);
  }

  /** The store snapshot inside a framed backup; IOException if it is not one. */
  public static InputStream unframe(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    byte[] magic = new byte[MAGIC.length];
    d.readFully(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a Keel backup");
    }
    long length = d.readLong();
    if (length < 0 || length > Integer.MAX_VALUE) {
      throw new IOException("bad backup length " + length);
    }
    // read as it arrives rather than allocated up front: a damaged length (up to 2 GB) in a short
    // file must not make the check allocate that much before it finds the file short
    byte[] state = d.readNBytes((int) length);
    if (state.length != length) {
      throw new IOException("backup truncated: " + state.length + " of " + length + " bytes");
    }
    return new ByteArrayInputStream(state);
  }
}
