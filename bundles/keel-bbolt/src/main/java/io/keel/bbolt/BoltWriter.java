package io.keel.bbolt;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;

/**
 * Writes a new bbolt file (page size 4096) that real bbolt/etcd opens. Streaming: pages go out as they fill, and
 * memory holds one page per open tree level (plus a value larger than a page while it is written). Because the
 * meta pages 0 and 1 describe the finished tree, they are written last, so the writer needs a
 * {@link SeekableByteChannel} (a {@link java.nio.channels.FileChannel}), empty, positioned at 0; it does not
 * close it. {@link #create(java.nio.file.Path)} opens a new file and closes it on {@link #close()}.
 */
public final class BoltWriter implements AutoCloseable {
  public BoltWriter(SeekableByteChannel out) {
    throw new UnsupportedOperationException("not yet");
  }

  /** A writer over a new file {@code file} (which must not exist), closed with the writer. */
  public static BoltWriter create(java.nio.file.Path file) throws IOException {
    throw new UnsupportedOperationException("not yet");
  }

  /** Starts the next top-level bucket (its name UTF-8); buckets must come in ascending name order. */
  public BucketSink bucket(String name) throws IOException {
    throw new UnsupportedOperationException("not yet");
  }

  /** Writes the last pages, the root bucket, the freelist and both meta pages: the file is complete. */
  public void finish() throws IOException {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void close() throws IOException {}
}
