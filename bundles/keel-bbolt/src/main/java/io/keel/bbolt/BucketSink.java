package io.keel.bbolt;

import java.io.IOException;

/**
 * The bucket a {@link BoltWriter} is writing. Keys, and the names of nested buckets, share one key space and
 * must come in strictly ascending unsigned-byte order.
 */
public interface BucketSink {
  /** Keys must come in strictly ascending unsigned-byte order (IllegalArgumentException otherwise). */
  void put(byte[] key, byte[] value) throws IOException;

  /**
   * Starts a nested bucket under the name {@code name} (UTF-8), which takes its place in this bucket's key
   * order; it ends at this bucket's next {@code put} or {@code bucket}, or when this bucket ends.
   */
  BucketSink bucket(String name) throws IOException;
}
