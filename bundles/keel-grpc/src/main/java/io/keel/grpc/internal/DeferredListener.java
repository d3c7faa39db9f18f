package io.keel.grpc.internal;

import io.grpc.ServerCall;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A call's listener until the real one exists: events are kept, in order, and handed to the real
 * listener once {@link #start} gives it (from any thread). Until then the call has not been
 * started, so it has requested no message and the transport delivers at most readiness and
 * cancellation.
 */
final class DeferredListener<Q> extends ServerCall.Listener<Q> {
  private List<Consumer<ServerCall.Listener<Q>>> pending = new ArrayList<>(); // guarded by this
  private ServerCall.Listener<Q> delegate; // guarded by this until passThrough
  private volatile boolean passThrough;

  void start(ServerCall.Listener<Q> real) {
    synchronized (this) {
      delegate = real;
    }
    while (true) {
      List<Consumer<ServerCall.Listener<Q>>> toRun;
      synchronized (this) {
        if (pending.isEmpty()) {
          passThrough = true;
          return;
        }
        toRun = pending;
        pending = new ArrayList<>();
      }
      for (Consumer<ServerCall.Listener<Q>> event : toRun) {
        event.accept(real);
      }
    }
  }

  private void deliver(Consumer<ServerCall.Listener<Q>> event) {
    ServerCall.Listener<Q> target;
    synchronized (this) {
      if (!passThrough) {
        pending.add(event);
        return;
      }
      target = delegate;
    }
    event.accept(target);
  }

  @Override
  public void onMessage(Q message) {
    deliver(l -> l.onMessage(message));
  }

  @Override
  public void onHalfClose() {
    deliver(ServerCall.Listener::onHalfClose);
  }

  @Override
  public void onCancel() {
    deliver(ServerCall.Listener::onCancel);
  }

  @Override
  public void onComplete() {
    deliver(ServerCall.Listener::onComplete);
  }

  @Override
  public void onReady() {
    deliver(ServerCall.Listener::onReady);
  }
}
