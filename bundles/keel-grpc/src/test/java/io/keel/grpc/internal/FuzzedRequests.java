package io.keel.grpc.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * What the gRPC fuzz targets share: an input is one byte choosing the RPC followed by the request's
 * protobuf, and the contract every answer is held to.
 */
final class FuzzedRequests {
  private FuzzedRequests() {}

  /** The input that sends {@code request} as RPC number {@code rpc}. */
  static byte[] input(int rpc, MessageLite request) {
    byte[] body = request.toByteArray();
    byte[] in = new byte[body.length + 1];
    in[0] = (byte) rpc;
    System.arraycopy(body, 0, in, 1, body.length);
    return in;
  }

  static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  /**
   * A refusal is fine unless it is a hang, an internal error, the member unavailable, or a Java
   * exception showing through; an input that is not the RPC's request is dropped, as gRPC would.
   */
  static boolean clean(Throwable e) {
    if (e instanceof InvalidProtocolBufferException) {
      return true;
    }
    if (!(e instanceof StatusRuntimeException s)) {
      return false;
    }
    Status.Code code = s.getStatus().getCode();
    String text = String.valueOf(s.getStatus().getDescription());
    return code != Status.Code.DEADLINE_EXCEEDED && code != Status.Code.INTERNAL && code != Status.Code.UNAVAILABLE
        && !text.contains("Exception") && !text.contains("java.");
  }
}
