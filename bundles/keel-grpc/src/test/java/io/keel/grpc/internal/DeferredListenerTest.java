package io.keel.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ServerCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeferredListenerTest {

  static final class Recording extends ServerCall.Listener<String> {
    final List<String> events = new ArrayList<>();

    @Override
    public void onMessage(String message) {
      events.add("message " + message);
    }

    @Override
    public void onHalfClose() {
      events.add("halfClose");
    }

    @Override
    public void onCancel() {
      events.add("cancel");
    }

    @Override
    public void onReady() {
      events.add("ready");
    }
  }

  @Test
  void keepsEventsInOrderUntilStartedThenPassesThrough() {
    DeferredListener<String> deferred = new DeferredListener<>();
    Recording real = new Recording();
    deferred.onReady();
    deferred.onMessage("a");
    assertEquals(List.of(), real.events);
    deferred.start(real);
    assertEquals(List.of("ready", "message a"), real.events);
    deferred.onHalfClose();
    deferred.onCancel();
    assertEquals(List.of("ready", "message a", "halfClose", "cancel"), real.events);
  }
}
