package io.keel.bbolt;

import java.io.IOException;

/** A damaged or foreign bbolt file; the message says what and where (page id, offset). */
public final class BoltFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public BoltFormatException(String message) {
    super(message);
  }
}
