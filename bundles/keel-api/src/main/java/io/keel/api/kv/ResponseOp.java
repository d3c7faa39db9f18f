package io.keel.api.kv;

/** The result of one {@link RequestOp}, in the same position (etcd's {@code ResponseOp}). */
public sealed interface ResponseOp permits RangeResponse, PutResponse, DeleteRangeResponse, TxnResponse {
  /** The revision this operation's header reports. */
  long revision();
}
