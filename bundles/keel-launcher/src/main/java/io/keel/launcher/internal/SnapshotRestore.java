package io.keel.launcher.internal;

import io.keel.raft.BackupFormat;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.Stream;

/**
 * {@code bin/keel snapshot restore FILE --data-dir DIR [--skip-hash-check]}: seeds DIR from a file
 * saved with {@code etcdctl snapshot save}, from etcd 3.4 or from Keel (both etcd's bbolt file; a
 * Keel backup of an earlier build too), so that a member started on DIR with a fresh Raft log
 * begins from that state. Every member of the new cluster restores the same file, then starts with
 * the new cluster's flags, which give it its member table (as etcdutl takes it from its flags).
 *
 * <p>Nothing is left in DIR unless everything checks out: the SHA-256 trailer etcdctl keeps at the
 * end of the file (etcd's snapshot framing; skipped with {@code --skip-hash-check}), and the backup
 * inside it, read whole by {@link BackupFormat#check} exactly as the member will read it: every
 * page bbolt's reader follows, every record, the store's invariants. So a damaged or foreign file
 * is refused here rather than by a member that would then never serve. DIR gets {@code
 * restore/kv.snap}: the backup without the trailer.
 *
 * <p>Two threads share the work, the copy being mostly I/O and the check mostly CPU: one copies
 * the file to {@code restore/kv.snap.part}, hashing what it copies, while the caller's checks the
 * backup; only when both have passed does the copy become {@code kv.snap}. On any failure the
 * partial copy, and DIR if this made it, are removed.
 */
final class SnapshotRestore {
  static final int SHA256_BYTES = 32;
  private static final int CHUNK = 1 << 20;

  private SnapshotRestore() {}

  static void run(Path workDir, String fileArg, String dataDirArg, boolean skipHashCheck, PrintStream out)
      throws LaunchException {
    if (fileArg == null) {
      throw new LaunchException(2, "snapshot restore: usage: bin/keel snapshot restore FILE --data-dir DIR");
    }
    Path file = workDir.resolve(fileArg);
    if (!Files.isRegularFile(file)) {
      throw new LaunchException(1, "snapshot restore: no such file: " + fileArg);
    }
    String dirArg = dataDirArg == null || dataDirArg.isEmpty() ? "default.etcd" : dataDirArg;
    Path dir = workDir.resolve(dirArg);
    if (!isEmptyOrAbsent(dir)) {
      throw new LaunchException(1, "snapshot restore: data-dir \"" + dirArg + "\" exists");
    }
    long body;
    try {
      body = Files.size(file);
    } catch (IOException e) {
      throw new LaunchException(1, "snapshot restore: cannot read " + fileArg + ": " + e.getMessage());
    }
    if (!skipHashCheck) {
      if (body <= SHA256_BYTES) {
        throw new LaunchException(1, "snapshot restore: " + fileArg + " is too short to hold a snapshot and its hash");
      }
      body -= SHA256_BYTES;
    }
    boolean made = !Files.isDirectory(dir);
    Path target = dir.resolve("restore").resolve("kv.snap");
    Path part = target.resolveSibling("kv.snap.part");
    long length = body;
    FutureTask<Boolean> copy = new FutureTask<>(() -> copyHashing(file, length, part, !skipHashCheck));
    Thread copier = null;
    boolean restored = false;
    try {
      Files.createDirectories(target.getParent());
      copier = new Thread(copy, "keel-restore-copy");
      copier.setDaemon(true);
      copier.start();
      IOException unreadable = null;
      try {
        BackupFormat.check(file, body);
      } catch (IOException e) {
        unreadable = e;
      }
      // a file whose hash is wrong is refused as such, whatever else is wrong with it (as etcdctl does)
      if (!finished(copy, dirArg)) {
        throw new LaunchException(1, "snapshot restore: snapshot file integrity check failed (sha256 mismatch)");
      }
      if (unreadable != null) {
        throw new LaunchException(1, "snapshot restore: " + fileArg + ": " + unreadable.getMessage());
      }
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
      restored = true;
    } catch (IOException e) {
      throw new LaunchException(1, "snapshot restore: cannot restore into " + dirArg + ": " + e.getMessage());
    } finally {
      if (!restored) {
        if (copier != null) {
          awaitQuietly(copy);
        }
        removeQuietly(part, target.getParent(), made ? dir : null);
      }
    }
    out.println("keel: restored snapshot " + fileArg + " into " + dirArg
        + "; start the member with --data-dir " + dirArg + " and the new cluster's flags");
  }

  /** The copy's outcome: whether the hash matched (true when not checked); its IOException as a LaunchException. */
  private static boolean finished(FutureTask<Boolean> copy, String dirArg) throws LaunchException {
    try {
      return copy.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LaunchException(1, "snapshot restore: interrupted");
    } catch (ExecutionException e) {
      throw new LaunchException(1, "snapshot restore: cannot restore into " + dirArg + ": " + e.getCause().getMessage());
    }
  }

  /**
   * Copies the first {@code length} bytes of {@code file} into a new file {@code to}, synced to
   * disk, reading them once; when {@code hashed}, returns whether their SHA-256 equals the 32 bytes
   * after them (else true).
   */
  private static boolean copyHashing(Path file, long length, Path to, boolean hashed) throws IOException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long done = 0;
      while (done < length) {
        buf.clear().limit((int) Math.min(CHUNK, length - done));
        if (in.read(buf, done) < 0) {
          throw new IOException(file + " ended after " + done + " of " + length + " bytes");
        }
        buf.flip();
        if (hashed) {
          sha256.update(buf.array(), 0, buf.limit());
        }
        done += buf.limit();
        while (buf.hasRemaining()) {
          out.write(buf);
        }
      }
      out.force(true);
      if (!hashed) {
        return true;
      }
      ByteBuffer trailer = ByteBuffer.allocate(SHA256_BYTES);
      int n = 0;
      while (trailer.hasRemaining() && n >= 0) {
        n = in.read(trailer, length + trailer.position());
      }
      return !trailer.hasRemaining() && Arrays.equals(sha256.digest(), trailer.array());
    }
  }

  /** Waits for the copy to end however it ends, so that nothing writes the partial copy after it is removed. */
  private static void awaitQuietly(FutureTask<Boolean> copy) {
    try {
      copy.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // its outcome is already reported, or does not matter beside the error being reported
    }
  }

  /** Deletes the partial copy, the restore folder and the data dir if this made it (each only if empty). */
  private static void removeQuietly(Path part, Path restoreDir, Path madeDir) {
    try {
      Files.deleteIfExists(part);
      Files.deleteIfExists(restoreDir);
      if (madeDir != null) {
        Files.deleteIfExists(madeDir);
      }
    } catch (IOException e) {
      // leave what cannot be removed; the error that brought us here is the one to report
    }
  }

  private static boolean isEmptyOrAbsent(Path dir) throws LaunchException {
    if (!Files.isDirectory(dir)) {
      return true;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      throw new LaunchException(1, "snapshot restore: cannot read " + dir + ": " + e.getMessage());
    }
  }
}
