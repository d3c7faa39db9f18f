package io.keel.grpc.internal;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Answers a request that is not valid protobuf as etcd's Go server does (code Internal, "grpc:
 * error unmarshalling request: ..."). grpc-java would otherwise report it as an application
 * failure with code Unknown. The wrapped marshaller turns a parse failure into a per-method
 * sentinel message, which the wrapped handler recognises by identity and rejects.
 */
final class MalformedRequests {
  private MalformedRequests() {}

  static ServerServiceDefinition guard(ServerServiceDefinition service) {
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      b.addMethod(guard(method));
    }
    return b.build();
  }

  private static <Q, R> ServerMethodDefinition<Q, R> guard(ServerMethodDefinition<Q, R> method) {
    MethodDescriptor<Q, R> md = method.getMethodDescriptor();
    SafeMarshaller<Q> marshaller = new SafeMarshaller<>(md.getRequestMarshaller());
    MethodDescriptor<Q, R> guarded = md.toBuilder(marshaller, md.getResponseMarshaller()).build();
    ServerCallHandler<Q, R> inner = method.getServerCallHandler();
    ServerCallHandler<Q, R> handler = (call, headers) -> {
      ServerCall.Listener<Q> delegate = inner.startCall(call, headers);
      return new RefusingListener<>(call, delegate) {
        @Override
        Status refusal(Q message) {
          String error = marshaller.failures.remove(message);
          return error == null ? null : Status.INTERNAL.withDescription("grpc: error unmarshalling request: " + error);
        }
      };
    };
    return ServerMethodDefinition.create(guarded, handler);
  }

  /** Delegates parsing; on failure returns a fresh sentinel remembered with its error. */
  private static final class SafeMarshaller<T> implements MethodDescriptor.Marshaller<T> {
    private final MethodDescriptor.Marshaller<T> delegate;
    final Map<Object, String> failures = java.util.Collections.synchronizedMap(new IdentityHashMap<>());

    SafeMarshaller(MethodDescriptor.Marshaller<T> delegate) {
      this.delegate = delegate;
    }

    @Override
    public InputStream stream(T value) {
      return delegate.stream(value);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T parse(InputStream stream) {
      try {
        return delegate.parse(stream);
      } catch (StatusRuntimeException e) {
        if (!(delegate instanceof MethodDescriptor.PrototypeMarshaller<T> proto)) {
          throw e;
        }
        T sentinel = (T) ((com.google.protobuf.Message) proto.getMessagePrototype()).toBuilder().build();
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        failures.put(sentinel, String.valueOf(cause.getMessage()));
        return sentinel;
      }
    }
  }
}
