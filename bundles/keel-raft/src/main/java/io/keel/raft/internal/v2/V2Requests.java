package io.keel.raft.internal.v2;

import io.keel.api.v2.V2Error;
import io.keel.api.v2.V2Event;
import io.keel.api.v2.V2Request;
import io.keel.raft.internal.Command;
import io.keel.raft.internal.propose.Proposer;
import io.keel.raft.internal.propose.ReadIndex;
import io.keel.raft.internal.v2store.V2Outcome;
import io.keel.raft.internal.v2store.V2Store;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's v2 requests over the one propose path: a write becomes a {@link Command.V2} log entry and
 * its outcome (event or v2 error) comes back from the applier; a read is answered from this
 * member's store, after a ReadIndex for a quorum read. The leader expires TTL keys by proposing a
 * SYNC with its own time every 500 ms while there are any (etcd's EtcdServer.sync), so every member
 * expires the same keys at the same index.
 */
public final class V2Requests {
  private static final Logger LOG = LoggerFactory.getLogger(V2Requests.class);
  private final Supplier<V2Store> store;
  private final Proposer proposer;
  private final ReadIndex reads;
  private final BooleanSupplier leading;
  private final LongSupplier clockMs;

  public V2Requests(Supplier<V2Store> store, Proposer proposer, ReadIndex reads, BooleanSupplier leading,
      LongSupplier clockMs) {
    this.store = store;
    this.proposer = proposer;
    this.reads = reads;
    this.leading = leading;
    this.clockMs = clockMs;
  }

  public CompletableFuture<V2Event> write(V2Request request) {
    return proposer.propose(new Command.V2(request), V2Outcome.class).thenCompose(o -> o.error() != null
        ? CompletableFuture.failedFuture(o.error()) : CompletableFuture.completedFuture(o.event()));
  }

  public CompletableFuture<V2Event> get(String path, boolean recursive, boolean sorted, boolean quorum) {
    Supplier<V2Event> read = () -> {
      try {
        return store.get().get(path, recursive, sorted);
      } catch (V2Error e) {
        throw new CompletionException(e);
      }
    };
    if (quorum) {
      return reads.read(read);
    }
    if (!leading.getAsBoolean()) {
      // A follower learns that an entry committed only with the leader's next append or heartbeat
      // (jraft, unlike etcd's raft, does not send the new commit index at once), so a local read
      // right after a write acknowledged by the leader could miss it for up to a heartbeat; etcdctl v2
      // picks a member at random per command. A ReadIndex first gives what etcd's followers give in
      // practice; when there is no leader to ask, the local answer, as etcd's non-quorum read.
      return reads.read(read).exceptionallyCompose(e -> {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof V2Error) {
          return CompletableFuture.failedFuture(cause);
        }
        return local(read);
      });
    }
    return local(read);
  }

  private static CompletableFuture<V2Event> local(Supplier<V2Event> read) {
    try {
      return CompletableFuture.completedFuture(read.get());
    } catch (CompletionException e) {
      return CompletableFuture.failedFuture(e.getCause());
    }
  }

  /** The leader's SYNC step (every 500 ms on the member's background thread). */
  public void syncStep() {
    if (!leading.getAsBoolean() || !store.get().hasTtlKeys()) {
      return;
    }
    proposer.propose(new Command.V2(V2Request.sync(clockMs.getAsLong())), V2Outcome.class).whenComplete((o, e) -> {
      if (e != null) {
        LOG.debug("v2 sync not applied: {}", e.toString());
      }
    });
  }
}
