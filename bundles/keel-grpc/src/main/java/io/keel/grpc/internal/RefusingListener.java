package io.keel.grpc.internal;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * A call listener that looks at each request before the service does: a request it refuses closes
 * the call with that status, and the service never sees the request (nor its half-close).
 */
abstract class RefusingListener<Q, R> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
  private final ServerCall<Q, R> call;
  private boolean refused;

  RefusingListener(ServerCall<Q, R> call, ServerCall.Listener<Q> delegate) {
    super(delegate);
    this.call = call;
  }

  /** The status to close the call with, or null to let the request through. */
  abstract Status refusal(Q message);

  @Override
  public void onMessage(Q message) {
    Status status = refusal(message);
    if (status != null) {
      refused = true;
      call.close(status, new Metadata());
      return;
    }
    super.onMessage(message);
  }

  @Override
  public void onHalfClose() {
    if (!refused) {
      super.onHalfClose();
    }
  }
}
