package io.keel.bbolt;

import java.io.IOException;

/**
 * One bucket of a {@link BoltReader}'s file. Every method reads the file afresh (nothing is cached), and each
 * checks what it reads: a damaged page is a {@link BoltFormatException}, never a wrong answer or another kind of
 * exception. Every method throws {@link IOException}: a {@link BoltFormatException} for damage, a plain one when
 * the file cannot be read.
 */
public interface BoltBucket {
  /**
   * Every key/value pair in ascending unsigned-byte key order; nested buckets are skipped here. An exception the
   * visitor throws ends the walk and is rethrown as is.
   */
  void forEach(KeyValueVisitor visitor) throws IOException;

  /** The value of one key, or null if absent or if the key names a nested bucket. */
  byte[] get(byte[] key) throws IOException;

  /** A nested bucket, or null. */
  BoltBucket bucket(String name) throws IOException;

  /** Number of key/value pairs (not nested buckets). */
  long count() throws IOException;
}
