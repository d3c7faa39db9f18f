package io.keel.api.v2;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The v2 store of a member, kept apart from the v3 keyspace as etcd keeps its v2 store: writes go
 * through the Raft log; reads and watches are served from this member's copy.
 */
public interface V2Keys {

  /** Proposes a write; completes with the event, or exceptionally with a {@link V2Error}. */
  CompletableFuture<V2Event> v2Write(V2Request request);

  /** Reads {@code path} locally (after a ReadIndex when {@code quorum}); exceptionally a {@link V2Error}. */
  CompletableFuture<V2Event> v2Get(String path, boolean recursive, boolean sorted, boolean quorum);

  /** A registered watch; cancel it when the client goes away. */
  interface V2Watch extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Watches {@code path} from {@code sinceIndex} (0: the next change). {@code sink} gets each event
   * (only the first unless {@code stream}), possibly at once from the last 1000 events' history.
   */
  V2Watch v2Watch(String path, boolean recursive, boolean stream, long sinceIndex, Consumer<V2Event> sink) throws V2Error;

  /** This member's v2 store index, read locally at once (a watch's X-Etcd-Index). */
  long v2Index();

  /** The member's applied Raft index (X-Raft-Index). */
  long v2RaftIndex();

  /** The member's current Raft term (X-Raft-Term). */
  long v2RaftTerm();

  /** etcd's /v2/stats/store JSON object's numbers, name to value. */
  java.util.Map<String, Long> v2StoreStats();

  /** The Raft traffic numbers of etcd's /v2/stats/self and /v2/stats/leader, as of now. */
  V2PeerStats v2PeerStats();
}
