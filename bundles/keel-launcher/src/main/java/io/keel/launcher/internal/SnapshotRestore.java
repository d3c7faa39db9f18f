package io.keel.launcher.internal;

import io.keel.raft.BackupFormat;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * {@code bin/keel snapshot restore FILE --data-dir DIR [--skip-hash-check]}: seeds DIR from a file
 * saved with {@code etcdctl snapshot save}, from etcd 3.4 or from Keel (both etcd's bbolt file; a
 * Keel backup of an earlier build too), so that a member started on DIR with a fresh Raft log
 * begins from that state. Every member of the new cluster restores the same file, then starts with
 * the new cluster's flags, which give it its member table (as etcdutl takes it from its flags).
 *
 * <p>Everything is checked before anything is written: the SHA-256 trailer etcdctl keeps at the
 * end of the file (etcd's snapshot framing; skipped with {@code --skip-hash-check}), then the
 * backup inside it, read whole by {@link BackupFormat#check} exactly as the member will read it:
 * every page bbolt's reader follows, every record, the store's invariants. So a damaged or foreign
 * file is refused here rather than by a member that would then never serve. DIR gets {@code
 * restore/kv.snap}: the backup without the trailer.
 */
final class SnapshotRestore {
  static final int SHA256_BYTES = 32;

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
    try {
      long body = Files.size(file);
      if (!skipHashCheck) {
        if (body <= SHA256_BYTES) {
          throw new LaunchException(1, "snapshot restore: " + fileArg + " is too short to hold a snapshot and its hash");
        }
        body -= SHA256_BYTES;
        if (!trailerMatches(file, body)) {
          throw new LaunchException(1, "snapshot restore: snapshot file integrity check failed (sha256 mismatch)");
        }
      }
      try {
        BackupFormat.check(file, body);
      } catch (IOException e) {
        throw new LaunchException(1, "snapshot restore: " + fileArg + ": " + e.getMessage());
      }
      Path target = dir.resolve("restore").resolve("kv.snap");
      Files.createDirectories(target.getParent());
      try (InputStream in = open(file, body)) {
        Files.copy(in, target);
      }
    } catch (IOException e) {
      throw new LaunchException(1, "snapshot restore: cannot restore into " + dirArg + ": " + e.getMessage());
    }
    out.println("keel: restored snapshot " + fileArg + " into " + dirArg
        + "; start the member with --data-dir " + dirArg + " and the new cluster's flags");
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

  /** Whether the SHA-256 of the first {@code body} bytes equals the 32 bytes after them. */
  private static boolean trailerMatches(Path file, long body) throws IOException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    byte[] trailer;
    try (InputStream in = Files.newInputStream(file)) {
      // unbuffered: the trailer is read from the same stream right after the body
      new DigestInputStream(new Limited(in, body), sha256).transferTo(OutputStream.nullOutputStream());
      trailer = in.readNBytes(SHA256_BYTES);
    }
    return Arrays.equals(sha256.digest(), trailer);
  }

  private static InputStream open(Path file, long length) throws IOException {
    return new Limited(new BufferedInputStream(Files.newInputStream(file)), length);
  }

  /** The first {@code remaining} bytes of a stream. */
  private static final class Limited extends FilterInputStream {
    private long remaining;

    Limited(InputStream in, long remaining) {
      super(in);
      this.remaining = remaining;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = super.read(buf, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }
  }
}
