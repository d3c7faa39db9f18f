package io.keel.grpc.internal.recipes;

/**
 * A failure etcd's concurrency package reports as a plain error (gRPC code Unknown, the message as
 * is), such as {@code election: not leader}.
 */
public final class RecipeException extends RuntimeException {
  public static final String NOT_LEADER = "election: not leader";
  public static final String NO_LEADER = "election: no leader";
  public static final String SESSION_EXPIRED = "mutex: session is expired";
  public static final String LOST_WATCHER = "lost watcher waiting for delete";

  public RecipeException(String message) {
    super(message, null, false, false);
  }
}
