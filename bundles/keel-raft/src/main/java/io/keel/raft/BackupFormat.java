package io.keel.raft;

import io.keel.mvcc.MvccStore;
import io.keel.raft.internal.SnapshotFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The body of a backup as {@code Maintenance.Snapshot} streams it: magic, the store snapshot's
 * length, the store snapshot, then zero padding to a multiple of 512 bytes. etcdctl only accepts a
 * snapshot whose size is a multiple of 512 (bbolt's page) plus the 32-byte SHA-256 it appends.
 * The store snapshot is {@link SnapshotFile}'s stream without member table; a backup made by an
 * earlier build holds that build's store format, which {@link #restore} still reads.
 */
public final class BackupFormat {
  static final byte[] MAGIC = "KEELBAK1".getBytes(StandardCharsets.US_ASCII);
  static final int PAGE = 512;

  private BackupFormat() {}

  /** The framed backup of {@code store} (the caller holds a linearizable point). */
  public static byte[] backup(MvccStore store) throws IOException {
    ByteArrayOutputStream state = new ByteArrayOutputStream();
    SnapshotFile.writeStore(store, state);
    return frame(state.toByteArray());
  }

  /** The framed backup of {@code store} and the auth store (etcd's backups carry its auth buckets). */
  public static byte[] backup(MvccStore store, io.keel.auth.AuthState auth) throws IOException {
    ByteArrayOutputStream state = new ByteArrayOutputStream();
    SnapshotFile.writeBackup(store, auth, state);
    return frame(state.toByteArray());
  }

  /** The store and auth store a framed backup holds; IOException as {@link #restore}. */
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

  /** The store snapshot inside a framed backup; IOException if it is not one. */
  public static InputStream unframe(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    byte[] magic = new byte[MAGIC.length];
    d.readFully(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a Keel backup (etcd's bbolt snapshots cannot be restored into Keel)");
    }
    long length = d.readLong();
    if (length < 0 || length > Integer.MAX_VALUE) {
      throw new IOException("bad backup length " + length);
    }
    byte[] state = new byte[(int) length];
    d.readFully(state);
    return new ByteArrayInputStream(state);
  }
}
