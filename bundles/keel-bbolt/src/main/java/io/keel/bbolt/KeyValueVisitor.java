package io.keel.bbolt;

import java.io.IOException;

/** Receives a bucket's pairs in key order; the arrays are the visitor's to keep. */
@FunctionalInterface
public interface KeyValueVisitor {
  void visit(byte[] key, byte[] value) throws IOException;
}
