package io.keel.api;

/**
 * What an etcd response header holds (etcd's v3rpc {@code header}): this member's cluster and
 * member IDs and the raft term, for a revision. Every endpoint interface extends it, since nearly
 * every etcd response carries a header.
 */
public interface ResponseHeaders {

  /** The cluster ID, member ID, given revision and current raft term, for a response header. */
  ResponseHeader header(long revision);

  /** The latest applied store revision. */
  long currentRevision();
}
