package io.keel.bbolt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * The pages of an open file, read with positional reads (files past 2 GiB are fine: offsets are longs and no
 * buffer maps more than one page run). Every page id is checked against the meta's high-water mark, which
 * {@link BoltReader#open} checked against the file's length, before anything is read or allocated.
 */
final class PageFile {
  /** The longest page run read into one buffer: bbolt's largest value (2^31 - 2 bytes) plus slack. */
  private static final long MAX_RUN_BYTES = Integer.MAX_VALUE - (1 << 17);

  private final FileChannel channel;
  final int pageSize;
  final long highWater;

  PageFile(FileChannel channel, int pageSize, long highWater) {
    this.channel = channel;
    this.pageSize = pageSize;
    this.highWater = highWater;
  }

  /** A buffer for one page; {@link #read} replaces it with a larger one for a page with overflow. */
  ByteBuffer newBuffer() {
    return ByteBuffer.allocate(pageSize).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Reads page {@code pgid} with its overflow pages into {@code reuse} (or a larger buffer, returned) with position
   * 0 and limit the run's length. The page's own id field must be {@code pgid}.
   */
  ByteBuffer read(long pgid, ByteBuffer reuse, String role) throws IOException {
    if (pgid < 2 || pgid >= highWater) {
      throw new BoltFormatException(role + " page " + Long.toUnsignedString(pgid) + " is outside the file's pages 2.."
          + (highWater - 1) + " (high-water mark " + highWater + ")");
    }
    ByteBuffer b = reuse;
    b.clear().limit(pageSize);
    readFully(b, pgid * pageSize, pgid, role);
    long id = b.getLong(0);
    if (id != pgid) {
      throw new BoltFormatException(role + " page " + pgid + " carries page id " + Long.toUnsignedString(id));
    }
    long overflow = Integer.toUnsignedLong(b.getInt(12));
    if (overflow > 0) {
      long end = pgid + overflow + 1;
      if (end > highWater) {
        throw new BoltFormatException(role + " page " + pgid + " with " + overflow + " overflow pages runs past the"
            + " high-water mark " + highWater);
      }
      long bytes = (overflow + 1) * pageSize;
      if (bytes > MAX_RUN_BYTES) {
        throw new BoltFormatException(role + " page " + pgid + " spans " + bytes + " bytes, more than bbolt allows");
      }
      if (b.capacity() < bytes) {
        ByteBuffer bigger = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        bigger.put(b.flip());
        b = bigger;
      }
      b.limit((int) bytes).position(pageSize);
      readFully(b, pgid * pageSize + pageSize, pgid, role);
    }
    b.position(0);
    return b;
  }

  private void readFully(ByteBuffer b, long offset, long pgid, String role) throws IOException {
    long at = offset;
    while (b.hasRemaining()) {
      int n = channel.read(b, at);
      if (n < 0) {
        throw new BoltFormatException("truncated: " + role + " page " + pgid + " needs bytes up to " + (at
            + b.remaining()) + " but the file ends at " + at);
      }
      at += n;
    }
  }
}
