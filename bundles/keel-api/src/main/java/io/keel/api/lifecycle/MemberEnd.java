package io.keel.api.lifecycle;

/**
 * Why this member's process should end: a component could not start, or the member was removed
 * from its cluster. The component that learns it registers a {@code MemberEnd} as a service (its
 * own type is the service name), so whoever decides what the process does about it sees it even
 * if it starts later. The appliance's exit policy (keel-launcher's {@code ProcessExitPolicy}) ends
 * the JVM like etcd does; without one (Keel's features in another Karaf) the member just stays
 * stopped.
 *
 * @param reason what happened
 * @param message one line for the operator, e.g. {@code invalid configuration: heartbeat-interval=abc: not an integer}
 */
public record MemberEnd(Reason reason, String message) {

  /** What happened. */
  public enum Reason {
    /** A component could not start (bad configuration, a port taken, no cluster to join, a bad restore). */
    START_FAILED,
    /** The member was removed from its cluster (etcdctl member remove). */
    REMOVED
  }

  /**
   * A start failure, told in one line: what was being started ({@code context}, e.g. the URLs it
   * listens on; null if none), the failure's message, then its root cause's if that adds to it.
   */
  public static MemberEnd startFailed(String context, Throwable failure) {
    String message = (context == null ? "" : context + ": ") + firstLine(failure);
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String because = firstLine(root);
    if (root != failure && !message.contains(because)) {
      message += ": " + because;
    }
    return new MemberEnd(Reason.START_FAILED, message);
  }

  private static String firstLine(Throwable t) {
    String m = t.getMessage() == null ? t.toString() : t.getMessage();
    return m.lines().findFirst().orElse(m);
  }

  public static MemberEnd removed() {
    return new MemberEnd(Reason.REMOVED, "removed from the cluster");
  }
}
