package io.keel.raft.internal;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import io.keel.api.EtcdException;
import java.util.concurrent.CompletableFuture;

/**
 * The proposer's side of one log entry: the decoded command (so the leader applies it without
 * decoding its own bytes again) and the future the client waits on. The state machine sets the
 * outcome before jraft runs the closure; a non-OK status means the entry was never applied here.
 */
final class Proposal implements Closure {
  final Command command;
  final CompletableFuture<Object> future = new CompletableFuture<>();
  private Object result;
  private EtcdException error;

  Proposal(Command command) {
    this.command = command;
  }

  void setOutcome(Object result, EtcdException error) {
    this.result = result;
    this.error = error;
  }

  @Override
  public void run(Status status) {
    if (!status.isOk()) {
      future.completeExceptionally(RaftErrors.toEtcd(status));
    } else if (error != null) {
      future.completeExceptionally(error);
    } else {
      future.complete(result);
    }
  }
}
