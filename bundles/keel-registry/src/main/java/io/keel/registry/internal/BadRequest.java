package io.keel.registry.internal;

/** A request Consul would refuse: its HTTP status and Consul's plain-text message. */
public final class BadRequest extends RuntimeException {
  private final int status;

  public BadRequest(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public BadRequest(String message) {
    this(400, message);
  }

  public int status() {
    return status;
  }
}
