package io.keel.raft.internal.propose;

import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import io.keel.raft.internal.RaftAccess;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Linearizable reads (etcd's linearizableReadNotify): jraft confirms this member's read index with
 * the leader and runs the read once the state machine has applied up to it; jraft batches the
 * confirmations of concurrent reads.
 */
public final class ReadIndex {
  private final RaftAccess raft;

  public ReadIndex(RaftAccess raft) {
    this.raft = raft;
  }

  /** Runs {@code read} (on jraft's thread) once everything committed before this call is applied here. */
  public <T> CompletableFuture<T> read(Supplier<T> read) {
    CompletableFuture<T> result = new CompletableFuture<>();
    raft.node().readIndex(null, new ReadIndexClosure() {
      @Override
      public void run(Status status, long index, byte[] reqCtx) {
        if (!status.isOk()) {
          result.completeExceptionally(raft.toEtcd(status));
          return;
        }
        try {
          result.complete(read.get());
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
        }
      }
    });
    return result;
  }

  /** Completes once this member has applied everything committed when it was called. */
  public CompletableFuture<Void> linearized() {
    return read(() -> null);
  }
}
