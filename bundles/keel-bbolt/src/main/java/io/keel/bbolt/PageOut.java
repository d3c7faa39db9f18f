package io.keel.bbolt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;

/**
 * Where a {@link BoltWriter}'s pages go. Pages are numbered in the order they are written, so from page 2 on the
 * file is one sequential stream, buffered here; only the two meta pages at the front are written out of order,
 * last.
 */
final class PageOut {
  static final int PAGE_SIZE = 4096;
  private static final int BUFFER = 64 * PAGE_SIZE;
  private static final byte[] ZEROS = new byte[PAGE_SIZE];

  private final SeekableByteChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
  /** The next page id to allocate; pages 0 and 1 are the metas. */
  private long next = 2;
  /** Page id of the buffer's first byte. */
  private long buffered = 2;

  PageOut(SeekableByteChannel channel) {
    this.channel = channel;
  }

  long nextPageId() {
    return next;
  }

  /**
   * Writes {@code page}'s bytes (position to limit, a page header first) as the next page run, its id and overflow
   * count filled in, padded to whole pages; returns the page id.
   */
  long write(ByteBuffer page) throws IOException {
    long id = next;
    int length = page.remaining();
    int pages = Math.max(1, (length + PAGE_SIZE - 1) / PAGE_SIZE);
    int start = page.position();
    page.putLong(start, id);
    page.putInt(start + 12, pages - 1);
    next += pages;
    append(page);
    int pad = pages * PAGE_SIZE - length;
    while (pad > 0) {
      if (!buffer.hasRemaining()) {
        drain();
      }
      int n = Math.min(pad, Math.min(buffer.remaining(), PAGE_SIZE));
      buffer.put(ZEROS, 0, n);
      pad -= n;
    }
    return id;
  }

  private void append(ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      if (!buffer.hasRemaining()) {
        drain();
      }
      int n = Math.min(src.remaining(), buffer.remaining());
      buffer.put(buffer.position(), src, src.position(), n);
      buffer.position(buffer.position() + n);
      src.position(src.position() + n);
    }
  }

  private void drain() throws IOException {
    buffer.flip();
    put(buffered * PAGE_SIZE, buffer);
    buffered += buffer.limit() / PAGE_SIZE;
    buffer.clear();
  }

  /** Flushes the page stream, then writes {@code page} (one page) at page id {@code id}. */
  void flushAndWrite(long id, ByteBuffer page) throws IOException {
    if (buffer.position() > 0) {
      drain();
    }
    put(id * PAGE_SIZE, page);
  }

  private void put(long offset, ByteBuffer b) throws IOException {
    channel.position(offset);
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }
}
