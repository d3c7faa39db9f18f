package io.keel.raft.internal.propose;

import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import io.keel.api.EtcdError;
import io.keel.raft.internal.Deadlines;
import io.keel.raft.internal.RaftAccess;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Linearizable reads (etcd's linearizableReadNotify): jraft confirms this member's read index with
 * the leader and runs the read once the state machine has applied up to it; jraft batches the
 * confirmations of concurrent reads.
 *
 * <p>A read that gets no answer within {@link #TIMEOUT_MS} fails with etcd's "request timed out".
 * The deadline is kept here, not by jraft: jraft's own read timeout runs a wheel timer thread that
 * wakes every millisecond whether or not a read is waiting; here each waiting read has one task in
 * the member's sleeping delay queue ({@link Deadlines}), removed when it completes.
 *
 * <p>The JVM property {@value #UNSAFE_LOCAL_READS} (a test switch, off unless set) serves every read
 * from this member's own state at once, without the read index: the deliberately broken build the
 * reliability suite's history checker must catch (stale reads on a lagging or cut-off member).
 */
public final class ReadIndex {
  /** As jraft's default read-index timeout. */
  static final long TIMEOUT_MS = 2_000;
  private static final long NO_JRAFT_TIMEOUT = -1;

  /** The test switch that breaks linearizable reads on purpose (see the class comment). */
  public static final String UNSAFE_LOCAL_READS = "keel.test.unsafe-local-reads";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReadIndex.class);

  private final RaftAccess raft;
  private final Deadlines deadlines;
  private final boolean unsafeLocal;
  private final Runnable onTimeout;

  /** {@code onTimeout} hears of every read that got no read index in time (it must not block). */
  public ReadIndex(RaftAccess raft, Deadlines deadlines, Runnable onTimeout) {
    this(raft, deadlines, Boolean.getBoolean(UNSAFE_LOCAL_READS), onTimeout);
  }

  ReadIndex(RaftAccess raft, Deadlines deadlines, boolean unsafeLocal, Runnable onTimeout) {
    this.raft = raft;
    this.deadlines = deadlines;
    this.unsafeLocal = unsafeLocal;
    this.onTimeout = onTimeout;
    if (unsafeLocal) {
      LOG.warn("UNSAFE test switch {} is set: linearizable reads are served locally and may be stale",
          UNSAFE_LOCAL_READS);
    }
  }

  /** Runs {@code read} (on jraft's thread) once everything committed before this call is applied here. */
  public <T> CompletableFuture<T> read(Supplier<T> read) {
    if (unsafeLocal) {
      try {
        return CompletableFuture.completedFuture(read.get());
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    raft.node().readIndex(null, new ReadIndexClosure(NO_JRAFT_TIMEOUT) {
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
    return deadlines.within(result, TIMEOUT_MS, () -> {
      onTimeout.run();
      return EtcdError.TIMEOUT.exception();
    });
  }

  /** Completes once this member has applied everything committed when it was called. */
  public CompletableFuture<Void> linearized() {
    return read(() -> null);
  }
}
