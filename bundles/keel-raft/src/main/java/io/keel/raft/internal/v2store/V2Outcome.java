package io.keel.raft.internal.v2store;

import io.keel.api.v2.V2Error;
import io.keel.api.v2.V2Event;

/** What applying a v2 entry answered: an event, or etcd's v2 error (a deterministic answer, like an etcd error). */
public record V2Outcome(V2Event event, V2Error error) {

  /** The outcome encoded for a forwarded request's answer. */
  public byte[] encode() {
    return V2StoreCodec.outcome(this);
  }

  public static V2Outcome decode(byte[] b) {
    return V2StoreCodec.outcome(b);
  }
}
