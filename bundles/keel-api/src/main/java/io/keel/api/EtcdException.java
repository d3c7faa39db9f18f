package io.keel.api;

/** A failure that a client sees as one of etcd's errors. Stack-less: it is an answer, not a bug. */
public final class EtcdException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final EtcdError error;

  public EtcdException(EtcdError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public EtcdError error() {
    return error;
  }
}
