package io.keel.registry.internal.servlet;

/** Consul's ?wait: a Go duration ("5s", "120000ms"), or a bare number of seconds. */
final class WaitParam {
  private WaitParam() {}

  static long millis(String wait) {
    if (wait.matches("\\d+")) {
      return Long.parseLong(wait) * 1000;
    }
    return io.keel.registry.internal.Registration.durationMillis(wait);
  }
}
