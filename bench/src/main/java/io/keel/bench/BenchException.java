package io.keel.bench;

/** A run that cannot go on (no connection, failed setup, time limit); printed without a stack trace. */
final class BenchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BenchException(String message) {
    super(message);
  }
}
