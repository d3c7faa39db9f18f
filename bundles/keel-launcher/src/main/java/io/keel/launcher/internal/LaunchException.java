package io.keel.launcher.internal;

/** Ends bin/keel with {@code exitCode} after printing {@code keel: <message>} on stderr. */
final class LaunchException extends Exception {
  private final int exitCode;

  LaunchException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /** 2: the command line is wrong (as with etcd's flag errors); 1: anything else. */
  int exitCode() {
    return exitCode;
  }
}
