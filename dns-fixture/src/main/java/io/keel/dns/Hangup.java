package io.keel.dns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SIGHUP on a JVM: sun.misc.Signal (jdk.unsupported), the only way without native code. */
final class Hangup {
  private static final Logger LOG = LoggerFactory.getLogger(Hangup.class);

  private Hangup() {}

  static void install(Runnable onHangup) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> onHangup.run());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LOG.warn("dns fixture: cannot handle SIGHUP here ({}); file changes still reload", e.getMessage());
    }
  }
}
