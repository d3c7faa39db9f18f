package io.keel.grpc.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.grpc.MethodDescriptor;
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

  /** {@code method} with its request sent as the bytes given, not a message: unknown fields, bad wire types and all. */
  static <Q, R> MethodDescriptor<byte[], R> raw(MethodDescriptor<Q, R> method) {
    return method.toBuilder(RAW, method.getResponseMarshaller()).build();
  }

  private static final MethodDescriptor.Marshaller<byte[]> RAW = new KvServiceTest.RawBytes();

  /** Sends {@code body} as {@code method}'s request, as raw bytes, on {@code channel}, waiting at most 5 s. */
  static <Q, R> void unary(io.grpc.Channel channel, MethodDescriptor<Q, R> method, byte[] body) {
    io.grpc.stub.ClientCalls.blockingUnaryCall(channel, raw(method),
        io.grpc.CallOptions.DEFAULT.withDeadlineAfter(5, java.util.concurrent.TimeUnit.SECONDS), body);
  }

  /**
   * etcd's (grpc-go's) refusal of bytes that are not the request's protobuf: code Internal, "grpc:
   * error unmarshalling request: " and the parser's words, which must not be Java's.
   */
  static boolean malformedRefusal(StatusRuntimeException e) {
    String text = String.valueOf(e.getStatus().getDescription());
    return e.getStatus().getCode() == Status.Code.INTERNAL && text.startsWith("grpc: error unmarshalling request: ")
        && !text.contains("Exception") && !text.contains("java.");
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
